using System.Buffers.Binary;

namespace Hit.Imaging.Formats.Jpeg;

/// <summary>Chroma subsampling for encoded JPEGs.</summary>
public enum ChromaSubsampling
{
    /// <summary>2×2 chroma (the usual choice for photos).</summary>
    Subsample420 = 0,

    /// <summary>Full-resolution chroma (sharper colour edges, larger files).</summary>
    Subsample444,
}

/// <summary>Options for <see cref="JpegEncoder"/>.</summary>
public sealed record JpegEncoderOptions
{
    public static JpegEncoderOptions Default { get; } = new();

    /// <summary>1–100, IJG scaling of the Annex K tables.</summary>
    public int Quality { get; init; } = 85;

    public ChromaSubsampling Subsampling { get; init; } = ChromaSubsampling.Subsample420;

    /// <summary>Build Huffman tables from this image's statistics (smaller files, one extra pass).</summary>
    public bool OptimizeHuffman { get; init; }
}

/// <summary>Baseline JPEG encoder (JFIF, gray or YCbCr). Writes no metadata.</summary>
public static class JpegEncoder
{
    private static ReadOnlySpan<byte> LumaQuant =>
    [
        16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
        14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
        18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
        49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
    ];

    private static ReadOnlySpan<byte> ChromaQuant =>
    [
        17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
        24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
        99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99, 99,
    ];

    public static byte[] Encode(PixelBuffer image, JpegEncoderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        options ??= JpegEncoderOptions.Default;
        if (options.Quality is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Quality must be between 1 and 100.");
        }

        if (image.Width > 65535 || image.Height > 65535)
        {
            throw new ArgumentException("JPEG cannot store images larger than 65535 px per side.", nameof(image));
        }

        if (image.HasAlpha)
        {
            image = Processing.Transforms.Flatten(image);
        }

        bool gray = image.Format == PixelFormat.Gray8;
        int hs = !gray && options.Subsampling == ChromaSubsampling.Subsample420 ? 2 : 1;
        var qLuma = ScaleQuant(LumaQuant, options.Quality);
        var qChroma = ScaleQuant(ChromaQuant, options.Quality);

        var planes = BuildPlanes(image, gray, hs, out int mcusX, out int mcusY);
        int nComp = gray ? 1 : 3;

        // Quantised coefficients of every block in scan order (zig-zag), reused by both passes.
        int blocksPerMcu = gray ? 1 : (hs * hs) + 2;
        var coeffs = new short[checked(mcusX * mcusY * blocksPerMcu * 64)];
        var componentOfBlock = new byte[blocksPerMcu];
        Quantise(planes, gray, hs, mcusX, mcusY, qLuma, qChroma, coeffs, componentOfBlock);

        HuffmanCode dcL, acL, dcC, acC;
        if (options.OptimizeHuffman)
        {
            var freq = new long[4][];
            for (int i = 0; i < 4; i++)
            {
                freq[i] = new long[257];
            }

            Entropy(coeffs, componentOfBlock, null, freq, null);
            dcL = HuffmanCode.Optimal(freq[0]);
            acL = HuffmanCode.Optimal(freq[1]);
            dcC = gray ? HuffmanCode.StdDcChroma : HuffmanCode.Optimal(freq[2]);
            acC = gray ? HuffmanCode.StdAcChroma : HuffmanCode.Optimal(freq[3]);
        }
        else
        {
            dcL = HuffmanCode.StdDcLuma;
            acL = HuffmanCode.StdAcLuma;
            dcC = HuffmanCode.StdDcChroma;
            acC = HuffmanCode.StdAcChroma;
        }

        using var ms = new MemoryStream();
        ms.Write([0xFF, 0xD8]);
        WriteSegment(ms, 0xE0, [(byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
        WriteQuant(ms, 0, qLuma);
        if (!gray)
        {
            WriteQuant(ms, 1, qChroma);
        }

        var sof = new List<byte> { 8, (byte)(image.Height >> 8), (byte)image.Height, (byte)(image.Width >> 8), (byte)image.Width, (byte)nComp };
        sof.AddRange([1, (byte)((hs << 4) | hs), 0]);
        if (!gray)
        {
            sof.AddRange([2, 0x11, 1, 3, 0x11, 1]);
        }

        WriteSegment(ms, 0xC0, sof.ToArray());
        WriteHuffman(ms, 0x00, dcL);
        WriteHuffman(ms, 0x10, acL);
        if (!gray)
        {
            WriteHuffman(ms, 0x01, dcC);
            WriteHuffman(ms, 0x11, acC);
        }

        WriteSegment(ms, 0xDA, gray ? [1, 1, 0x00, 0, 63, 0] : [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
        var writer = new BitWriter(ms);
        Entropy(coeffs, componentOfBlock, [dcL, acL, dcC, acC], null, writer);
        writer.Flush();
        ms.Write([0xFF, 0xD9]);
        return ms.ToArray();
    }

    private static ushort[] ScaleQuant(ReadOnlySpan<byte> baseTable, int quality)
    {
        int scale = quality < 50 ? 5000 / quality : 200 - (quality * 2);
        var table = new ushort[64];
        for (int i = 0; i < 64; i++)
        {
            table[i] = (ushort)Math.Clamp(((baseTable[i] * scale) + 50) / 100, 1, 255);
        }

        return table;
    }

    private sealed class Plane(int width, int height)
    {
        public int Width { get; } = width;

        public int Height { get; } = height;

        public float[] Data { get; } = new float[width * height];
    }

    /// <summary>Level-shifted component planes padded to whole MCUs by edge replication.</summary>
    private static Plane[] BuildPlanes(PixelBuffer image, bool gray, int hs, out int mcusX, out int mcusY)
    {
        int mcu = 8 * hs;
        mcusX = (image.Width + mcu - 1) / mcu;
        mcusY = (image.Height + mcu - 1) / mcu;
        int pw = mcusX * mcu;
        int ph = mcusY * mcu;
        var y = new Plane(pw, ph);
        if (gray)
        {
            for (int j = 0; j < ph; j++)
            {
                var row = image.Row(Math.Min(j, image.Height - 1));
                for (int i = 0; i < pw; i++)
                {
                    y.Data[(j * pw) + i] = row[Math.Min(i, image.Width - 1)] - 128f;
                }
            }

            return [y];
        }

        var cb = new Plane(pw, ph);
        var cr = new Plane(pw, ph);
        for (int j = 0; j < ph; j++)
        {
            var row = image.Row(Math.Min(j, image.Height - 1));
            for (int i = 0; i < pw; i++)
            {
                int x = Math.Min(i, image.Width - 1) * 3;
                float r = row[x];
                float g = row[x + 1];
                float b = row[x + 2];
                int o = (j * pw) + i;
                y.Data[o] = (0.299f * r) + (0.587f * g) + (0.114f * b) - 128f;
                cb.Data[o] = (-0.168736f * r) - (0.331264f * g) + (0.5f * b);
                cr.Data[o] = (0.5f * r) - (0.418688f * g) - (0.081312f * b);
            }
        }

        if (hs == 1)
        {
            return [y, cb, cr];
        }

        return [y, Downsample(cb), Downsample(cr)];
    }

    private static Plane Downsample(Plane p)
    {
        var d = new Plane(p.Width / 2, p.Height / 2);
        for (int j = 0; j < d.Height; j++)
        {
            for (int i = 0; i < d.Width; i++)
            {
                int o = (2 * j * p.Width) + (2 * i);
                d.Data[(j * d.Width) + i] = (p.Data[o] + p.Data[o + 1] + p.Data[o + p.Width] + p.Data[o + p.Width + 1]) * 0.25f;
            }
        }

        return d;
    }

    private static void Quantise(Plane[] planes, bool gray, int hs, int mcusX, int mcusY, ushort[] qLuma, ushort[] qChroma, short[] coeffs, byte[] componentOfBlock)
    {
        Span<float> samples = stackalloc float[64];
        Span<float> freq = stackalloc float[64];
        var recipLuma = new float[64];
        var recipChroma = new float[64];
        for (int i = 0; i < 64; i++)
        {
            recipLuma[i] = 1f / qLuma[i];
            recipChroma[i] = 1f / qChroma[i];
        }

        int b = 0;
        for (int my = 0; my < mcusY; my++)
        {
            for (int mx = 0; mx < mcusX; mx++)
            {
                int blockInMcu = 0;
                for (int c = 0; c < (gray ? 1 : 3); c++)
                {
                    int n = c == 0 ? hs : 1;
                    var plane = planes[c];
                    var recip = c == 0 ? recipLuma : recipChroma;
                    for (int v = 0; v < n; v++)
                    {
                        for (int h = 0; h < n; h++)
                        {
                            int x0 = ((mx * n) + h) * 8;
                            int y0 = ((my * n) + v) * 8;
                            for (int j = 0; j < 8; j++)
                            {
                                plane.Data.AsSpan(((y0 + j) * plane.Width) + x0, 8).CopyTo(samples.Slice(j * 8, 8));
                            }

                            Dct.Forward8x8(samples, freq);
                            var dst = coeffs.AsSpan(b * 64, 64);
                            for (int k = 0; k < 64; k++)
                            {
                                int natural = JpegConstants.ZigZag[k];
                                dst[k] = (short)MathF.Round(freq[natural] * recip[natural], MidpointRounding.AwayFromZero);
                            }

                            componentOfBlock[blockInMcu++] = (byte)c;
                            b++;
                        }
                    }
                }
            }
        }
    }

    /// <summary>Either counts symbol frequencies (<paramref name="freq"/>) or writes the entropy-coded data.</summary>
    private static void Entropy(short[] coeffs, byte[] componentOfBlock, HuffmanCode[]? codes, long[][]? freq, BitWriter? writer)
    {
        Span<int> pred = stackalloc int[3];
        int blocksPerMcu = componentOfBlock.Length;
        int totalBlocks = coeffs.Length / 64;
        for (int b = 0; b < totalBlocks; b++)
        {
            int comp = componentOfBlock[b % blocksPerMcu];
            int table = comp == 0 ? 0 : 2;
            var block = coeffs.AsSpan(b * 64, 64);
            int diff = block[0] - pred[comp];
            pred[comp] = block[0];
            int size = Category(diff);
            Emit(table, size, codes, freq, writer);
            writer?.Write(Bits(diff, size), size);

            int run = 0;
            for (int k = 1; k < 64; k++)
            {
                int v = block[k];
                if (v == 0)
                {
                    run++;
                    continue;
                }

                while (run > 15)
                {
                    Emit(table + 1, 0xF0, codes, freq, writer);
                    run -= 16;
                }

                int s = Category(v);
                Emit(table + 1, (run << 4) | s, codes, freq, writer);
                writer?.Write(Bits(v, s), s);
                run = 0;
            }

            if (run > 0)
            {
                Emit(table + 1, 0x00, codes, freq, writer);
            }
        }
    }

    private static void Emit(int table, int symbol, HuffmanCode[]? codes, long[][]? freq, BitWriter? writer)
    {
        if (freq is not null)
        {
            freq[table][symbol]++;
            return;
        }

        var code = codes![table];
        writer!.Write(code.Codes[symbol], code.Sizes[symbol]);
    }

    private static int Category(int v)
    {
        v = Math.Abs(v);
        return v == 0 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)v);
    }

    private static int Bits(int v, int size) => v >= 0 ? v : (v - 1) & ((1 << size) - 1);

    private static void WriteSegment(Stream s, byte marker, ReadOnlySpan<byte> body)
    {
        Span<byte> head = [0xFF, marker, 0, 0];
        BinaryPrimitives.WriteUInt16BigEndian(head[2..], (ushort)(body.Length + 2));
        s.Write(head);
        s.Write(body);
    }

    private static void WriteQuant(Stream s, int id, ushort[] table)
    {
        var body = new byte[65];
        body[0] = (byte)id;
        for (int k = 0; k < 64; k++)
        {
            body[k + 1] = (byte)table[JpegConstants.ZigZag[k]];
        }

        WriteSegment(s, 0xDB, body);
    }

    private static void WriteHuffman(Stream s, byte classAndId, HuffmanCode code)
    {
        var body = new byte[17 + code.Values.Length];
        body[0] = classAndId;
        code.Counts.CopyTo(body, 1);
        code.Values.CopyTo(body, 17);
        WriteSegment(s, 0xC4, body);
    }

    private sealed class BitWriter(Stream stream)
    {
        private ulong _acc;
        private int _bits;

        public void Write(int value, int size)
        {
            if (size == 0)
            {
                return;
            }

            _acc = (_acc << size) | ((uint)value & ((1u << size) - 1));
            _bits += size;
            while (_bits >= 8)
            {
                byte b = (byte)(_acc >> (_bits - 8));
                stream.WriteByte(b);
                if (b == 0xFF)
                {
                    stream.WriteByte(0);
                }

                _bits -= 8;
            }
        }

        public void Flush()
        {
            if (_bits > 0)
            {
                Write((1 << (8 - _bits)) - 1, 8 - _bits);
            }
        }
    }
}
