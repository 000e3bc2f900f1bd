using System.Buffers.Binary;
using System.IO.Compression;

namespace Hit.Imaging.Formats.Png;

/// <summary>Options for <see cref="PngEncoder"/>.</summary>
public sealed record PngEncoderOptions
{
    public static PngEncoderOptions Default { get; } = new();

    public CompressionLevel CompressionLevel { get; init; } = CompressionLevel.Optimal;
}

/// <summary>
/// PNG encoder (8-bit gray, RGB or RGBA; no metadata chunks). Each row gets the filter with the
/// smallest sum of absolute signed residuals — the heuristic libpng recommends — before zlib.
/// </summary>
public static class PngEncoder
{
    public static byte[] Encode(PixelBuffer image, PngEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= PngEncoderOptions.Default;
        using var output = new MemoryStream();
        output.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);

        Span<byte> ihdr = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr[4..], image.Height);
        ihdr[8] = 8;
        ihdr[9] = image.Format switch { PixelFormat.Gray8 => 0, PixelFormat.Rgb24 => 2, _ => 6 };
        WriteChunk(output, "IHDR"u8, ihdr);

        using var compressed = new MemoryStream();
        using (var z = new ZLibStream(compressed, options.CompressionLevel, leaveOpen: true))
        {
            int stride = image.Stride;
            int bpp = image.Channels;
            var prev = new byte[stride];
            var candidates = new byte[5][];
            for (int f = 0; f < 5; f++)
            {
                candidates[f] = new byte[stride + 1];
                candidates[f][0] = (byte)f;
            }

            for (int y = 0; y < image.Height; y++)
            {
                var row = image.Row(y);
                int best = 0;
                long bestScore = long.MaxValue;
                for (int f = 0; f < 5; f++)
                {
                    long score = Filter(f, row, prev, candidates[f].AsSpan(1), bpp);
                    if (score < bestScore)
                    {
                        bestScore = score;
                        best = f;
                    }
                }

                z.Write(candidates[best]);
                row.CopyTo(prev);
            }
        }

        // Split IDAT so no chunk is unreasonably large for streaming readers.
        var data = compressed.GetBuffer().AsSpan(0, (int)compressed.Length);
        const int ChunkSize = 1 << 20;
        for (int offset = 0; offset < data.Length; offset += ChunkSize)
        {
            WriteChunk(output, "IDAT"u8, data.Slice(offset, Math.Min(ChunkSize, data.Length - offset)));
        }

        WriteChunk(output, "IEND"u8, []);
        return output.ToArray();
    }

    private static long Filter(int filter, ReadOnlySpan<byte> row, ReadOnlySpan<byte> prev, Span<byte> dst, int bpp)
    {
        long score = 0;
        for (int i = 0; i < row.Length; i++)
        {
            int a = i >= bpp ? row[i - bpp] : 0;
            int b = prev[i];
            int c = i >= bpp ? prev[i - bpp] : 0;
            int predicted = filter switch
            {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) >> 1,
                _ => PngDecoder.Paeth(a, b, c),
            };
            byte v = (byte)(row[i] - predicted);
            dst[i] = v;
            int signed = (sbyte)v;
            score += signed < 0 ? -signed : signed;
        }

        return score;
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, ReadOnlySpan<byte> body)
    {
        Span<byte> buf = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(buf, body.Length);
        output.Write(buf);
        output.Write(type);
        output.Write(body);
        uint crc = Crc32.Update(Crc32.Update(0xFFFFFFFFu, type), body) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(buf, crc);
        output.Write(buf);
    }
}
