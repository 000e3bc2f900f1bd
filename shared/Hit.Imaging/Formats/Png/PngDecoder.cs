using System.Buffers.Binary;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hit.Imaging.Formats.Png;

/// <summary>
/// PNG decoder: every colour type and bit depth (1–16), palette with tRNS, Adam7 interlace, CRCs
/// checked. Output is 8-bit; 16-bit samples are rounded to the nearest 8-bit value (v/257). Only as many bytes as the header promises are inflated (no zlib bombs).
/// </summary>
internal static class PngDecoder
{
    private static ReadOnlySpan<byte> Adam7 => [0, 0, 8, 8, 4, 0, 8, 8, 0, 4, 4, 8, 2, 0, 4, 4, 0, 2, 2, 4, 1, 0, 2, 2, 0, 1, 1, 2];

    internal sealed record Header(int Width, int Height, int BitDepth, int ColorType, bool Interlaced);

    public static Header Identify(ReadOnlySpan<byte> data, ImagingLimits limits)
    {
        if (data.Length < 33)
        {
            ThrowHelper.Truncated("PNG header truncated");
        }

        return ParseHeader(data.Slice(8, 25), limits);
    }

    private static Header ParseHeader(ReadOnlySpan<byte> chunk, ImagingLimits limits)
    {
        // chunk = length(4) type(4) data(13) crc(4)
        if (BinaryPrimitives.ReadUInt32BigEndian(chunk) != 13 || !chunk.Slice(4, 4).SequenceEqual("IHDR"u8))
        {
            ThrowHelper.Corrupt("PNG does not start with an IHDR chunk");
        }

        var d = chunk.Slice(8, 13);
        long w = BinaryPrimitives.ReadUInt32BigEndian(d);
        long h = BinaryPrimitives.ReadUInt32BigEndian(d[4..]);
        int depth = d[8];
        int colorType = d[9];
        bool valid = colorType switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => false,
        };
        if (!valid || d[10] != 0 || d[11] != 0 || d[12] > 1)
        {
            ThrowHelper.Corrupt($"invalid PNG header (colour type {colorType}, bit depth {depth})");
        }

        limits.CheckDimensions(w, h);
        return new Header((int)w, (int)h, depth, colorType, d[12] == 1);
    }

    public static PixelBuffer Decode(byte[] data, ImagingLimits limits, CancellationToken cancellationToken)
    {
        var header = Identify(data, limits);
        byte[]? palette = null;
        byte[]? paletteAlpha = null;
        int[]? transparentKey = null;
        using var idat = new MemoryStream();
        int pos = 8;
        bool end = false;
        bool first = true;
        while (!end)
        {
            if (pos + 12 > data.Length)
            {
                ThrowHelper.Truncated("PNG data ends before the IEND chunk");
            }

            uint length = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos));
            if (length > int.MaxValue || pos + 12 + (long)length > data.Length)
            {
                ThrowHelper.Truncated("PNG chunk truncated");
            }

            var type = data.AsSpan(pos + 4, 4);
            var body = data.AsSpan(pos + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(pos + 8 + (int)length));
            if (Crc32.Compute(data.AsSpan(pos + 4, (int)length + 4)) != crc)
            {
                ThrowHelper.Corrupt($"PNG chunk '{System.Text.Encoding.ASCII.GetString(type)}' has a bad CRC");
            }

            if (first && !type.SequenceEqual("IHDR"u8))
            {
                ThrowHelper.Corrupt("PNG does not start with an IHDR chunk");
            }

            first = false;
            if (type.SequenceEqual("PLTE"u8))
            {
                if (length % 3 != 0 || length > 768 || length == 0)
                {
                    ThrowHelper.Corrupt("invalid PNG palette");
                }

                palette = body.ToArray();
            }
            else if (type.SequenceEqual("tRNS"u8))
            {
                if (header.ColorType == 3)
                {
                    paletteAlpha = body[..Math.Min(body.Length, 256)].ToArray();
                }
                else if (header.ColorType == 0 && length >= 2)
                {
                    transparentKey = [BinaryPrimitives.ReadUInt16BigEndian(body)];
                }
                else if (header.ColorType == 2 && length >= 6)
                {
                    transparentKey = [BinaryPrimitives.ReadUInt16BigEndian(body), BinaryPrimitives.ReadUInt16BigEndian(body[2..]), BinaryPrimitives.ReadUInt16BigEndian(body[4..])];
                }
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                idat.Write(body);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                end = true;
            }
            else if ((type[0] & 0x20) == 0 && !type.SequenceEqual("IHDR"u8))
            {
                ThrowHelper.Unsupported($"unknown critical PNG chunk '{System.Text.Encoding.ASCII.GetString(type)}'");
            }

            pos += 12 + (int)length;
        }

        if (header.ColorType == 3 && palette is null)
        {
            ThrowHelper.Corrupt("palette PNG without a PLTE chunk");
        }

        if (idat.Length == 0)
        {
            ThrowHelper.Corrupt("PNG has no image data");
        }

        var format = header.ColorType switch
        {
            4 or 6 => PixelFormat.Rgba32,
            3 => paletteAlpha is null ? PixelFormat.Rgb24 : PixelFormat.Rgba32,
            2 => transparentKey is null ? PixelFormat.Rgb24 : PixelFormat.Rgba32,
            _ => transparentKey is null ? PixelFormat.Gray8 : PixelFormat.Rgba32,
        };
        var output = new PixelBuffer(header.Width, header.Height, format);
        var ctx = new RowContext(header, format, palette, paletteAlpha, transparentKey);

        idat.Position = 0;
        try
        {
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            if (!header.Interlaced)
            {
                DecodePass(z, ctx, output, 0, 0, 1, 1, header.Width, header.Height, cancellationToken);
            }
            else
            {
                for (int p = 0; p < 7; p++)
                {
                    int x0 = Adam7[p * 4];
                    int y0 = Adam7[(p * 4) + 1];
                    int dx = Adam7[(p * 4) + 2];
                    int dy = Adam7[(p * 4) + 3];
                    int pw = (header.Width - x0 + dx - 1) / dx;
                    int ph = (header.Height - y0 + dy - 1) / dy;
                    if (pw > 0 && ph > 0)
                    {
                        DecodePass(z, ctx, output, x0, y0, dx, dy, pw, ph, cancellationToken);
                    }
                }
            }
        }
        catch (InvalidDataException ex)
        {
            throw new ImageFormatException(ImageErrorReason.Corrupt, "PNG image data is not valid zlib data", ex);
        }

        return output;
    }

    private sealed record RowContext(Header Header, PixelFormat Format, byte[]? Palette, byte[]? PaletteAlpha, int[]? TransparentKey)
    {
        public int SamplesPerPixel => Header.ColorType switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };

        public int BytesPerPixel => Math.Max(1, SamplesPerPixel * Header.BitDepth / 8);
    }

    private static void DecodePass(Stream z, RowContext ctx, PixelBuffer output, int x0, int y0, int dx, int dy, int pw, int ph, CancellationToken cancellationToken)
    {
        int rowBytes = (int)((((long)pw * ctx.SamplesPerPixel * ctx.Header.BitDepth) + 7) / 8);
        int bpp = ctx.BytesPerPixel;
        var prev = new byte[rowBytes + 1];
        var cur = new byte[rowBytes + 1];
        int channels = output.Channels;
        var pixel = new byte[4];
        for (int y = 0; y < ph; y++)
        {
            if ((y & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int read = z.ReadAtLeast(cur, cur.Length, throwOnEndOfStream: false);
            if (read < cur.Length)
            {
                ThrowHelper.Truncated("PNG image data is truncated");
            }

            Unfilter(cur[0], cur.AsSpan(1), prev.AsSpan(1), bpp);
            var outRow = output.Row(y0 + (y * dy));
            if (dx == 1 && TryCopyRow(ctx, cur.AsSpan(1), outRow, pw))
            {
                (prev, cur) = (cur, prev);
                continue;
            }

            for (int x = 0; x < pw; x++)
            {
                ReadPixel(ctx, cur.AsSpan(1), x, pixel);
                int o = (x0 + (x * dx)) * channels;
                for (int c = 0; c < channels; c++)
                {
                    outRow[o + c] = pixel[c];
                }
            }

            (prev, cur) = (cur, prev);
        }
    }

    /// <summary>Fast paths for 8-bit rows whose layout already matches the output, and for palettes.</summary>
    private static bool TryCopyRow(RowContext ctx, ReadOnlySpan<byte> row, Span<byte> outRow, int width)
    {
        if (ctx.Header.BitDepth != 8)
        {
            return false;
        }

        switch (ctx.Header.ColorType)
        {
            case 6:
            case 2 when ctx.TransparentKey is null:
            case 0 when ctx.TransparentKey is null:
                row[..outRow.Length].CopyTo(outRow);
                return true;
            case 3:
                {
                    var pal = ctx.Palette!;
                    var alpha = ctx.PaletteAlpha;
                    int c = alpha is null ? 3 : 4;
                    for (int x = 0; x < width; x++)
                    {
                        int i = row[x];
                        int o = x * c;
                        if ((i * 3) + 2 < pal.Length)
                        {
                            outRow[o] = pal[i * 3];
                            outRow[o + 1] = pal[(i * 3) + 1];
                            outRow[o + 2] = pal[(i * 3) + 2];
                        }
                        else
                        {
                            outRow[o] = outRow[o + 1] = outRow[o + 2] = 0;
                        }

                        if (alpha is not null)
                        {
                            outRow[o + 3] = i < alpha.Length ? alpha[i] : (byte)255;
                        }
                    }

                    return true;
                }

            default:
                return false;
        }
    }

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> prev, int bpp)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (int i = bpp; i < row.Length; i++)
                {
                    row[i] += row[i - bpp];
                }

                break;
            case 2:
                for (int i = 0; i < row.Length; i++)
                {
                    row[i] += prev[i];
                }

                break;
            case 3:
                for (int i = 0; i < row.Length; i++)
                {
                    int left = i >= bpp ? row[i - bpp] : 0;
                    row[i] += (byte)((left + prev[i]) >> 1);
                }

                break;
            case 4:
                UnfilterPaeth(row, prev, bpp);
                break;
            default:
                ThrowHelper.Corrupt($"invalid PNG filter type {filter}");
                break;
        }
    }

    /// <summary>Paeth is the most common filter in photos and the hottest loop here: no bounds checks, branch-light.</summary>
    private static void UnfilterPaeth(Span<byte> row, ReadOnlySpan<byte> prev, int bpp)
    {
        if ((bpp == 3 || bpp == 4) && Vector128.IsHardwareAccelerated && row.Length >= bpp)
        {
            UnfilterPaethVector(row, prev, bpp);
            return;
        }

        ref byte r = ref MemoryMarshal.GetReference(row);
        ref byte p = ref MemoryMarshal.GetReference(prev);
        int n = row.Length;
        int first = Math.Min(bpp, n);
        for (int i = 0; i < first; i++)
        {
            Unsafe.Add(ref r, i) += Unsafe.Add(ref p, i);
        }

        for (int i = bpp; i < n; i++)
        {
            int a = Unsafe.Add(ref r, i - bpp);
            int b = Unsafe.Add(ref p, i);
            int c = Unsafe.Add(ref p, i - bpp);
            int pa = Math.Abs(b - c);
            int pb = Math.Abs(a - c);
            int pc = Math.Abs(a + b - c - c);
            int pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
            Unsafe.Add(ref r, i) += (byte)pred;
        }
    }

    /// <summary>
    /// One pixel per step in 16-bit lanes (libpng's SSE approach): the left neighbour is the previous
    /// result, so pixels stay sequential but the channel arithmetic and predictor choice are parallel.
    /// </summary>
    private static void UnfilterPaethVector(Span<byte> row, ReadOnlySpan<byte> prev, int bpp)
    {
        ref byte r = ref MemoryMarshal.GetReference(row);
        ref byte p = ref MemoryMarshal.GetReference(prev);
        int pixels = row.Length / bpp;
        var a = Vector128<short>.Zero;
        var c = Vector128<short>.Zero;
        var mask = Vector128.Create((short)0xFF);
        for (int x = 0; x < pixels; x++)
        {
            int o = x * bpp;
            var b = Load(ref Unsafe.Add(ref p, o), bpp);
            var raw = Load(ref Unsafe.Add(ref r, o), bpp);
            var pa = Vector128.Abs(b - c);
            var pb = Vector128.Abs(a - c);
            var pc = Vector128.Abs(a + b - c - c);
            var useA = Vector128.LessThanOrEqual(pa, pb) & Vector128.LessThanOrEqual(pa, pc);
            var useB = Vector128.LessThanOrEqual(pb, pc);
            var pred = Vector128.ConditionalSelect(useA, a, Vector128.ConditionalSelect(useB, b, c));
            var result = (raw + pred) & mask;
            Unsafe.Add(ref r, o) = (byte)result.GetElement(0);
            Unsafe.Add(ref r, o + 1) = (byte)result.GetElement(1);
            Unsafe.Add(ref r, o + 2) = (byte)result.GetElement(2);
            if (bpp == 4)
            {
                Unsafe.Add(ref r, o + 3) = (byte)result.GetElement(3);
            }

            a = result;
            c = b;
        }
    }

    private static Vector128<short> Load(ref byte source, int bpp)
    {
        uint v = bpp == 4
            ? Unsafe.ReadUnaligned<uint>(ref source)
            : source | ((uint)Unsafe.Add(ref source, 1) << 8) | ((uint)Unsafe.Add(ref source, 2) << 16);
        return Vector128.WidenLower(Vector128.CreateScalar(v).AsByte()).AsInt16();
    }

    internal static int Paeth(int a, int b, int c)
    {
        int p = a + b - c;
        int pa = Math.Abs(p - a);
        int pb = Math.Abs(p - b);
        int pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static int Sample(ReadOnlySpan<byte> row, int index, int depth) => depth switch
    {
        8 => row[index],
        16 => BinaryPrimitives.ReadUInt16BigEndian(row[(index * 2)..]),
        _ => (row[index * depth / 8] >> (8 - depth - (index * depth % 8))) & ((1 << depth) - 1),
    };

    /// <summary>Scales a sample to 8 bits (16-bit: round(v · 255 / 65535)).</summary>
    private static byte To8(int v, int depth) => depth switch
    {
        8 => (byte)v,
        16 => (byte)(((v * 255) + 32767) / 65535),
        4 => (byte)(v * 17),
        2 => (byte)(v * 85),
        _ => (byte)(v * 255),
    };

    private static void ReadPixel(RowContext ctx, ReadOnlySpan<byte> row, int x, Span<byte> px)
    {
        int depth = ctx.Header.BitDepth;
        switch (ctx.Header.ColorType)
        {
            case 0:
                {
                    int g = Sample(row, x, depth);
                    byte g8 = To8(g, depth);
                    px[0] = px[1] = px[2] = g8;
                    px[3] = ctx.TransparentKey is { } key && key[0] == g ? (byte)0 : (byte)255;
                    break;
                }

            case 2:
                {
                    int r = Sample(row, x * 3, depth);
                    int g = Sample(row, (x * 3) + 1, depth);
                    int b = Sample(row, (x * 3) + 2, depth);
                    px[0] = To8(r, depth);
                    px[1] = To8(g, depth);
                    px[2] = To8(b, depth);
                    px[3] = ctx.TransparentKey is { } key && key[0] == r && key[1] == g && key[2] == b ? (byte)0 : (byte)255;
                    break;
                }

            case 3:
                {
                    int i = Sample(row, x, depth);
                    var pal = ctx.Palette!;
                    if (i * 3 < pal.Length)
                    {
                        px[0] = pal[i * 3];
                        px[1] = pal[(i * 3) + 1];
                        px[2] = pal[(i * 3) + 2];
                    }
                    else
                    {
                        px[0] = px[1] = px[2] = 0; // out-of-range index: black, as libpng does
                    }

                    px[3] = ctx.PaletteAlpha is { } alpha && i < alpha.Length ? alpha[i] : (byte)255;
                    break;
                }

            case 4:
                {
                    byte g8 = To8(Sample(row, x * 2, depth), depth);
                    px[0] = px[1] = px[2] = g8;
                    px[3] = To8(Sample(row, (x * 2) + 1, depth), depth);
                    break;
                }

            default:
                for (int c = 0; c < 4; c++)
                {
                    px[c] = To8(Sample(row, (x * 4) + c, depth), depth);
                }

                break;
        }
    }
}
