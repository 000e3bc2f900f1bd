using System.Buffers.Binary;

namespace Hit.Imaging.Formats.Gif;

/// <summary>
/// GIF decoder for the first frame: LZW, global/local colour tables, interlacing, transparency.
/// The frame is placed on the logical screen; uncovered pixels are transparent.
/// </summary>
internal static class GifDecoder
{
    private const int MaxCodes = 4096;

    public static (int Width, int Height) Identify(ReadOnlySpan<byte> data, ImagingLimits limits)
    {
        if (data.Length < 13)
        {
            ThrowHelper.Truncated("GIF header truncated");
        }

        int w = BinaryPrimitives.ReadUInt16LittleEndian(data[6..]);
        int h = BinaryPrimitives.ReadUInt16LittleEndian(data[8..]);
        limits.CheckDimensions(w, h);
        return (w, h);
    }

    public static PixelBuffer Decode(byte[] data, ImagingLimits limits, CancellationToken cancellationToken)
    {
        var (width, height) = Identify(data, limits);
        int pos = 13;
        byte[]? globalTable = null;
        if ((data[10] & 0x80) != 0)
        {
            int size = 3 << ((data[10] & 7) + 1);
            globalTable = Take(data, ref pos, size, "GIF colour table truncated").ToArray();
        }

        int transparent = -1;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            byte block = Take(data, ref pos, 1, "GIF data ends before the first image")[0];
            if (block == 0x21)
            {
                byte label = Take(data, ref pos, 1, "GIF extension truncated")[0];
                if (label == 0xF9)
                {
                    var sub = ReadSubBlocks(data, ref pos, cancellationToken);
                    if (sub.Length >= 4 && (sub[0] & 1) != 0)
                    {
                        transparent = sub[3];
                    }
                }
                else
                {
                    SkipSubBlocks(data, ref pos);
                }
            }
            else if (block == 0x2C)
            {
                return DecodeImage(data, ref pos, width, height, globalTable, transparent, cancellationToken);
            }
            else if (block == 0x3B)
            {
                ThrowHelper.Corrupt("GIF has no image");
            }
            else
            {
                ThrowHelper.Corrupt($"unknown GIF block 0x{block:X2}");
            }
        }
    }

    private static ReadOnlySpan<byte> Take(byte[] data, ref int pos, int count, string truncatedMessage)
    {
        if (pos + count > data.Length)
        {
            ThrowHelper.Truncated(truncatedMessage);
        }

        var span = data.AsSpan(pos, count);
        pos += count;
        return span;
    }

    private static void SkipSubBlocks(byte[] data, ref int pos)
    {
        while (true)
        {
            int n = Take(data, ref pos, 1, "GIF sub-block truncated")[0];
            if (n == 0)
            {
                return;
            }

            Take(data, ref pos, n, "GIF sub-block truncated");
        }
    }

    private static byte[] ReadSubBlocks(byte[] data, ref int pos, CancellationToken cancellationToken)
    {
        using var ms = new MemoryStream();
        while (true)
        {
            int n = Take(data, ref pos, 1, "GIF image data truncated")[0];
            if (n == 0)
            {
                return ms.ToArray();
            }

            ms.Write(Take(data, ref pos, n, "GIF image data truncated"));
            if ((ms.Length & 0xFFFF) < 256)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
    }

    private static PixelBuffer DecodeImage(byte[] data, ref int pos, int width, int height, byte[]? globalTable, int transparent, CancellationToken cancellationToken)
    {
        var d = Take(data, ref pos, 9, "GIF image descriptor truncated");
        int left = BinaryPrimitives.ReadUInt16LittleEndian(d);
        int top = BinaryPrimitives.ReadUInt16LittleEndian(d[2..]);
        int fw = BinaryPrimitives.ReadUInt16LittleEndian(d[4..]);
        int fh = BinaryPrimitives.ReadUInt16LittleEndian(d[6..]);
        byte flags = d[8];
        var table = globalTable;
        if ((flags & 0x80) != 0)
        {
            table = Take(data, ref pos, 3 << ((flags & 7) + 1), "GIF local colour table truncated").ToArray();
        }

        if (table is null)
        {
            ThrowHelper.Corrupt("GIF image without a colour table");
        }

        if (fw == 0 || fh == 0)
        {
            ThrowHelper.Corrupt("GIF frame has zero size");
        }

        int minCodeSize = Take(data, ref pos, 1, "GIF image data truncated")[0];
        if (minCodeSize is < 1 or > 11)
        {
            ThrowHelper.Corrupt($"invalid GIF LZW code size {minCodeSize}");
        }

        var lzw = ReadSubBlocks(data, ref pos, cancellationToken);
        var indices = new byte[checked(fw * fh)];
        int produced = Lzw(lzw, minCodeSize, indices, cancellationToken);
        if (produced < indices.Length && pos >= data.Length)
        {
            ThrowHelper.Truncated("GIF image data truncated");
        }

        bool covers = left == 0 && top == 0 && fw >= width && fh >= height;
        bool alpha = transparent >= 0 || !covers;
        var output = new PixelBuffer(width, height, alpha ? PixelFormat.Rgba32 : PixelFormat.Rgb24);
        int c = output.Channels;
        bool interlaced = (flags & 0x40) != 0;
        var rowOrder = RowOrder(fh, interlaced);
        for (int r = 0; r < fh; r++)
        {
            int y = top + rowOrder[r];
            if (y >= height)
            {
                continue;
            }

            var outRow = output.Row(y);
            for (int x = 0; x < fw; x++)
            {
                int ox = left + x;
                if (ox >= width)
                {
                    break;
                }

                int index = indices[(r * fw) + x];
                int o = ox * c;
                if (index == transparent)
                {
                    continue; // stays transparent black
                }

                if ((index * 3) + 2 < table.Length)
                {
                    outRow[o] = table[index * 3];
                    outRow[o + 1] = table[(index * 3) + 1];
                    outRow[o + 2] = table[(index * 3) + 2];
                }

                if (alpha)
                {
                    outRow[o + 3] = 255;
                }
            }
        }

        return output;
    }

    /// <summary>Maps the n-th stored row to its image row (interlaced GIFs store rows in four passes).</summary>
    private static int[] RowOrder(int height, bool interlaced)
    {
        var order = new int[height];
        if (!interlaced)
        {
            for (int i = 0; i < height; i++)
            {
                order[i] = i;
            }

            return order;
        }

        int n = 0;
        ReadOnlySpan<int> starts = [0, 4, 2, 1];
        ReadOnlySpan<int> steps = [8, 8, 4, 2];
        for (int p = 0; p < 4; p++)
        {
            for (int y = starts[p]; y < height; y += steps[p])
            {
                order[n++] = y;
            }
        }

        return order;
    }

    /// <summary>Decodes LZW codes into <paramref name="output"/>; returns how many pixels were produced.</summary>
    private static int Lzw(byte[] input, int minCodeSize, byte[] output, CancellationToken cancellationToken)
    {
        var prefix = new short[MaxCodes];
        var suffix = new byte[MaxCodes];
        var first = new byte[MaxCodes];
        var stack = new byte[MaxCodes + 1];
        int clear = 1 << minCodeSize;
        int eoi = clear + 1;
        for (int i = 0; i < clear && i < MaxCodes; i++)
        {
            suffix[i] = (byte)i;
            first[i] = (byte)i;
        }

        int codeSize = minCodeSize + 1;
        int next = eoi + 1;
        int prev = -1;
        int outPos = 0;
        int bitPos = 0;
        long totalBits = (long)input.Length * 8;
        while (outPos < output.Length && bitPos + codeSize <= totalBits)
        {
            int code = 0;
            for (int i = 0; i < codeSize; i++, bitPos++)
            {
                code |= ((input[bitPos >> 3] >> (bitPos & 7)) & 1) << i;
            }

            if ((outPos & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (code == clear)
            {
                codeSize = minCodeSize + 1;
                next = eoi + 1;
                prev = -1;
                continue;
            }

            if (code == eoi)
            {
                break;
            }

            if (prev < 0)
            {
                if (code >= clear)
                {
                    ThrowHelper.Corrupt("invalid GIF LZW code");
                }

                output[outPos++] = (byte)code;
                prev = code;
                continue;
            }

            int sp = 0;
            int cur;
            byte firstByte;
            if (code < next)
            {
                cur = code;
                firstByte = first[code];
            }
            else if (code == next)
            {
                // KwKwK case: the string for prev followed by its own first byte.
                stack[sp++] = first[prev];
                cur = prev;
                firstByte = first[prev];
            }
            else
            {
                ThrowHelper.Corrupt("invalid GIF LZW code");
                return outPos;
            }

            while (cur >= clear)
            {
                stack[sp++] = suffix[cur];
                cur = prefix[cur];
                if (sp >= MaxCodes)
                {
                    ThrowHelper.Corrupt("invalid GIF LZW chain");
                }
            }

            stack[sp++] = (byte)cur;
            while (sp > 0 && outPos < output.Length)
            {
                output[outPos++] = stack[--sp];
            }

            if (next < MaxCodes)
            {
                prefix[next] = (short)prev;
                suffix[next] = firstByte;
                first[next] = first[prev];
                next++;
                if (next == (1 << codeSize) && codeSize < 12)
                {
                    codeSize++;
                }
            }

            prev = code;
        }

        return outPos;
    }
}
