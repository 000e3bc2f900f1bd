using Hit.Files;
using Hit.Files.Categories;
using Hit.Files.Thumbnails;
using Hit.Platform.Worker;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

var builder = FunctionsApplication.CreateBuilder(args);
builder.AddHitPlatform();
builder.Services.AddFilesCore();      // options, Cosmos container, blob storage, URL signing — used by:
                                      //   Uploads/  POST /files/upload, /files/upload-url, /files/{id}/complete
                                      //   Access/   GET /files/{id}, …/content, …/thumbnails/{size}; DELETE /files/{id}
                                      //   Page/     GET /upload, /upload/{asset}: the drag-and-drop page
builder.Services.AddThumbnails();     // Thumbnails/ blob trigger MakeThumbnail on uploads/{name}
builder.Services.AddCategories();     // Categories/ /categories

// The upload function enforces Files:MaxUploadBytes itself (413, nothing stored); the worker's Kestrel must not cut a
// body at its default 30 MB first. Raised to the limit plus multipart framing, never below Kestrel's default; the upload
// function also lifts it for its own request, so it can read an oversized body's tail before answering 413.
// The host in Azure caps bodies at FUNCTIONS_REQUEST_BODY_SIZE_LIMIT (100 MB by default).
builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<FilesOptions>>((kestrel, files) =>
    kestrel.Limits.MaxRequestBodySize = Math.Max(kestrel.Limits.MaxRequestBodySize ?? 0, files.Value.MaxUploadBytes + FilesOptions.MultipartFramingBytes));

builder.Build().Run();
