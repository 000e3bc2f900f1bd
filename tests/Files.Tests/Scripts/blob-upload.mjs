// Uploads a file with the official Azure Storage SDK for JavaScript (@azure/storage-blob): the tests' "any client"
// that writes straight into Azurite, bypassing the files API.
//   node blob-upload.mjs --connection-string <cs> --container <c> --blob <name> --file <path>
//   node blob-upload.mjs --sas-url <url> --file <path>
import { BlobServiceClient, BlockBlobClient } from "@azure/storage-blob";
import { readFile } from "node:fs/promises";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, value, i, all) => (i % 2 === 0 ? [...pairs, [value.replace(/^--/, ""), all[i + 1]]] : pairs), []),
);
const data = await readFile(args.file);
const blob = args["sas-url"]
  ? new BlockBlobClient(args["sas-url"])
  : BlobServiceClient.fromConnectionString(args["connection-string"]).getContainerClient(args.container).getBlockBlobClient(args.blob);
// Small block size so even a test-sized file goes up as staged blocks + a block list, like a browser's large upload.
const response = await blob.uploadData(data, { blockSize: 64 * 1024, maxSingleShotSize: 64 * 1024, blobHTTPHeaders: { blobContentType: args["content-type"] ?? "application/octet-stream" } });
console.log(JSON.stringify({ etag: response.etag, url: blob.url.split("?")[0] }));
