using System.Buffers.Binary;

namespace Hit.Imaging.Formats.Jpeg;

/// <summary>
/// Baseline and progressive Huffman JPEG decoder (8-bit, 1/3/4 components, any integer subsampling,
/// restart intervals) with scaled decoding in the DCT domain.
/// Baseline blocks are inverse-transformed as soon as they are decoded; progressive frames keep only
/// the S×S coefficients each block needs at the requested scale (plus a 64-bit non-zero mask per
/// block that refinement scans require), so a 1/8 decode of a 12 MP progressive photo stays small.
/// </summary>
internal sealed class JpegDecoder
{
    private readonly byte[] _data;
    private readonly ImagingLimits _limits;
    private readonly ushort[]?[] _quant = new ushort[]?[4];
    private readonly HuffmanTable?[] _dcTables = new HuffmanTable?[4];
    private readonly HuffmanTable?[] _acTables = new HuffmanTable?[4];
    private JpegComponent[] _components = [];
    private int _restartInterval;
    private bool _progressive;
    private bool _frameSeen;
    private int _width;
    private int _height;
    private int _hMax;
    private int _vMax;
    private int _mcusX;
    private int _mcusY;
    private int _adobeTransform = -1;
    private bool _jfif;
    private int _orientation = 1;
    private int _scale = 8;
    private int _eobrun;
    private int _scans;

    private const int MaxScans = 100;

    private JpegDecoder(byte[] data, ImagingLimits limits)
    {
        _data = data;
        _limits = limits;
    }

    public static JpegInfo Identify(byte[] data, ImagingLimits limits)
    {
        var decoder = new JpegDecoder(data, limits);
        decoder.Run(identifyOnly: true, CancellationToken.None);
        return decoder.Info();
    }

    /// <summary>Decodes at 1/<paramref name="denominator"/> scale (1, 2, 4 or 8).</summary>
    public static PixelBuffer Decode(byte[] data, int denominator, ImagingLimits limits, CancellationToken cancellationToken, out JpegInfo info)
    {
        if (denominator is not (1 or 2 or 4 or 8))
        {
            throw new ArgumentOutOfRangeException(nameof(denominator), "Scale denominator must be 1, 2, 4 or 8.");
        }

        var decoder = new JpegDecoder(data, limits) { _scale = 8 / denominator };
        decoder.Run(identifyOnly: false, cancellationToken);
        info = decoder.Info();
        return decoder.Output();
    }

    /// <summary>Output size of a 1/<paramref name="denominator"/> decode, as libjpeg computes it.</summary>
    public static (int Width, int Height) ScaledSize(int width, int height, int denominator) =>
        ((width + denominator - 1) / denominator, (height + denominator - 1) / denominator);

    private JpegInfo Info() => new(_width, _height, _components.Length, _progressive, _orientation, ColorSpace());

    private JpegColorSpace ColorSpace()
    {
        switch (_components.Length)
        {
            case 1:
                return JpegColorSpace.Gray;
            case 3:
                if (_adobeTransform == 0 && !_jfif)
                {
                    return JpegColorSpace.Rgb;
                }

                if (!_jfif && _adobeTransform < 0 && _components[0].Id == 'R' && _components[1].Id == 'G' && _components[2].Id == 'B')
                {
                    return JpegColorSpace.Rgb;
                }

                return JpegColorSpace.YCbCr;
            default:
                return _adobeTransform == 2 ? JpegColorSpace.Ycck : JpegColorSpace.Cmyk;
        }
    }

    private void Run(bool identifyOnly, CancellationToken cancellationToken)
    {
        var data = _data;
        if (data.Length < 4 || data[0] != 0xFF || data[1] != JpegConstants.Soi)
        {
            ThrowHelper.Corrupt("not a JPEG file (missing SOI marker)");
        }

        int pos = 2;
        bool scanSeen = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();

            // Skip anything up to the next marker; fill bytes (0xFF 0xFF…) may precede a marker.
            while (pos < data.Length && data[pos] != 0xFF)
            {
                pos++;
            }

            while (pos + 1 < data.Length && data[pos + 1] == 0xFF)
            {
                pos++;
            }

            if (pos + 1 >= data.Length)
            {
                if (identifyOnly && _frameSeen)
                {
                    return;
                }

                ThrowHelper.Truncated(scanSeen ? "JPEG data ends before the EOI marker" : "JPEG data ends before the first scan");
            }

            byte marker = data[pos + 1];
            pos += 2;
            if (marker == JpegConstants.Eoi)
            {
                if (!scanSeen)
                {
                    ThrowHelper.Corrupt("JPEG has no scan");
                }

                break;
            }

            if (marker is 0x01 or (>= 0xD0 and <= 0xD7) or 0x00)
            {
                continue; // parameterless markers (TEM, stray RSTn)
            }

            if (pos + 2 > data.Length)
            {
                ThrowHelper.Truncated("JPEG segment header truncated");
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(data.AsSpan(pos));
            if (length < 2)
            {
                ThrowHelper.Corrupt($"invalid segment length {length}");
            }

            if (pos + length > data.Length)
            {
                ThrowHelper.Truncated($"JPEG segment 0xFF{marker:X2} truncated");
            }

            var segment = data.AsSpan(pos + 2, length - 2);
            switch (marker)
            {
                case JpegConstants.Sof0:
                case JpegConstants.Sof1:
                case JpegConstants.Sof2:
                    ReadFrame(segment, marker == JpegConstants.Sof2, identifyOnly);
                    break;
                case 0xC3:
                case >= 0xC5 and <= 0xC7:
                case >= 0xC9 and <= 0xCB:
                case >= 0xCD and <= 0xCF:
                    ThrowHelper.Unsupported($"unsupported JPEG process (SOF marker 0xFF{marker:X2}: lossless, hierarchical or arithmetic coding)");
                    break;
                case JpegConstants.Dht:
                    ReadHuffmanTables(segment);
                    break;
                case JpegConstants.Dqt:
                    ReadQuantTables(segment);
                    break;
                case JpegConstants.Dri:
                    if (segment.Length < 2)
                    {
                        ThrowHelper.Corrupt("DRI segment too short");
                    }

                    _restartInterval = BinaryPrimitives.ReadUInt16BigEndian(segment);
                    break;
                case 0xE0:
                    if (segment.StartsWith("JFIF\0"u8))
                    {
                        _jfif = true;
                    }

                    break;
                case JpegConstants.App1:
                    if (segment.StartsWith("Exif\0\0"u8))
                    {
                        _orientation = Exif.ReadOrientation(segment[6..]);
                    }

                    break;
                case JpegConstants.App14:
                    if (segment.Length >= 12 && segment.StartsWith("Adobe"u8))
                    {
                        _adobeTransform = segment[11];
                    }

                    break;
                case JpegConstants.Sos:
                    if (!_frameSeen)
                    {
                        ThrowHelper.Corrupt("scan before frame header");
                    }

                    if (identifyOnly)
                    {
                        return;
                    }

                    scanSeen = true;

                    // Each scan walks every block, so thousands of tiny scans in a small file would
                    // be a CPU bomb; real encoders write about 10 (libjpeg's default script).
                    if (++_scans > MaxScans)
                    {
                        ThrowHelper.Limit($"JPEG has more than {MaxScans} scans");
                    }

                    pos = DecodeScan(segment, pos + length, cancellationToken);
                    continue;
                default:
                    break; // APPn, COM and others carry nothing the decoder needs
            }

            pos += length;
        }

        if (_progressive)
        {
            FinishProgressive(cancellationToken);
        }
    }

    private void ReadFrame(ReadOnlySpan<byte> s, bool progressive, bool identifyOnly)
    {
        if (_frameSeen)
        {
            ThrowHelper.Unsupported("multiple frames in one JPEG");
        }

        if (s.Length < 6)
        {
            ThrowHelper.Corrupt("SOF segment too short");
        }

        if (s[0] != 8)
        {
            ThrowHelper.Unsupported($"unsupported JPEG sample precision {s[0]} (only 8-bit)");
        }

        _height = BinaryPrimitives.ReadUInt16BigEndian(s[1..]);
        _width = BinaryPrimitives.ReadUInt16BigEndian(s[3..]);
        int n = s[5];
        if (_height == 0)
        {
            ThrowHelper.Unsupported("JPEG with height defined by DNL marker");
        }

        _limits.CheckDimensions(_width, _height);
        if (n is not (1 or 3 or 4))
        {
            ThrowHelper.Unsupported($"unsupported JPEG component count {n}");
        }

        if (s.Length < 6 + (3 * n))
        {
            ThrowHelper.Corrupt("SOF segment too short");
        }

        _progressive = progressive;
        _components = new JpegComponent[n];
        for (int i = 0; i < n; i++)
        {
            int h = s[7 + (i * 3)] >> 4;
            int v = s[7 + (i * 3)] & 15;
            int tq = s[8 + (i * 3)];
            if (h is < 1 or > 4 || v is < 1 or > 4 || tq > 3)
            {
                ThrowHelper.Corrupt("invalid component sampling factors or quantisation table");
            }

            _components[i] = new JpegComponent { Id = s[6 + (i * 3)], H = h, V = v, QuantTable = tq };
        }

        _hMax = _components.Max(c => c.H);
        _vMax = _components.Max(c => c.V);
        foreach (var c in _components)
        {
            if (_hMax % c.H != 0 || _vMax % c.V != 0)
            {
                ThrowHelper.Unsupported("unsupported non-integer chroma subsampling ratio");
            }
        }

        _frameSeen = true;
        if (!identifyOnly)
        {
            AllocateComponents();
        }
    }

    private void AllocateComponents()
    {
        int s = _scale;
        _mcusX = (_width + (8 * _hMax) - 1) / (8 * _hMax);
        _mcusY = (_height + (8 * _vMax) - 1) / (8 * _vMax);
        foreach (var c in _components)
        {
            c.BlocksPerLine = (int)(((((long)_width * c.H) + _hMax - 1) / _hMax + 7) / 8);
            c.BlocksPerColumn = (int)(((((long)_height * c.V) + _vMax - 1) / _vMax + 7) / 8);
            c.BlocksPerLineMcu = _mcusX * c.H;
            c.BlocksPerColumnMcu = _mcusY * c.V;
            c.PlaneStride = c.BlocksPerLineMcu * s;
            c.ScaledWidth = (int)((((long)_width * c.H * s) + (_hMax * 8) - 1) / (_hMax * 8));
            c.ScaledHeight = (int)((((long)_height * c.V * s) + (_vMax * 8) - 1) / (_vMax * 8));
            c.Plane = new byte[checked(c.PlaneStride * c.BlocksPerColumnMcu * s)];
            if (_progressive)
            {
                int blocks = c.BlocksPerLineMcu * c.BlocksPerColumnMcu;
                c.Coeffs = new short[checked(blocks * s * s)];
                c.Nonzero = new ulong[blocks];
            }
        }
    }

    private void ReadQuantTables(ReadOnlySpan<byte> s)
    {
        int p = 0;
        while (p < s.Length)
        {
            int pq = s[p] >> 4;
            int tq = s[p] & 15;
            p++;
            if (tq > 3 || pq > 1)
            {
                ThrowHelper.Corrupt("invalid quantisation table");
            }

            int size = pq == 0 ? 64 : 128;
            if (p + size > s.Length)
            {
                ThrowHelper.Corrupt("quantisation table truncated");
            }

            var table = new ushort[64];
            for (int k = 0; k < 64; k++)
            {
                table[JpegConstants.ZigZag[k]] = pq == 0 ? s[p + k] : BinaryPrimitives.ReadUInt16BigEndian(s[(p + (2 * k))..]);
            }

            _quant[tq] = table;
            p += size;
        }
    }

    private void ReadHuffmanTables(ReadOnlySpan<byte> s)
    {
        int p = 0;
        while (p < s.Length)
        {
            if (p + 17 > s.Length)
            {
                ThrowHelper.Corrupt("Huffman table truncated");
            }

            int tc = s[p] >> 4;
            int th = s[p] & 15;
            if (tc > 1 || th > 3)
            {
                ThrowHelper.Corrupt("invalid Huffman table class or id");
            }

            var counts = s.Slice(p + 1, 16);
            int total = 0;
            foreach (byte c in counts)
            {
                total += c;
            }

            if (total > 256 || p + 17 + total > s.Length)
            {
                ThrowHelper.Corrupt("Huffman table truncated");
            }

            var table = new HuffmanTable(counts, s.Slice(p + 17, total));
            (tc == 0 ? _dcTables : _acTables)[th] = table;
            p += 17 + total;
        }
    }

    /// <summary>Decodes one scan and returns the position of the marker that follows it.</summary>
    private int DecodeScan(ReadOnlySpan<byte> header, int dataStart, CancellationToken cancellationToken)
    {
        if (header.Length < 1)
        {
            ThrowHelper.Corrupt("SOS segment too short");
        }

        int ns = header[0];
        if (ns is < 1 or > 4 || header.Length < 4 + (2 * ns))
        {
            ThrowHelper.Corrupt("invalid SOS segment");
        }

        var scan = new JpegComponent[ns];
        for (int i = 0; i < ns; i++)
        {
            int id = header[1 + (2 * i)];
            var c = Array.Find(_components, x => x.Id == id);
            if (c is null)
            {
                ThrowHelper.Corrupt($"scan references unknown component {id}");
            }

            c.DcTable = header[2 + (2 * i)] >> 4;
            c.AcTable = header[2 + (2 * i)] & 15;
            if (c.DcTable > 3 || c.AcTable > 3)
            {
                ThrowHelper.Corrupt("invalid Huffman table selector");
            }

            scan[i] = c;
        }

        int ss = header[1 + (2 * ns)];
        int se = header[2 + (2 * ns)];
        int ah = header[3 + (2 * ns)] >> 4;
        int al = header[3 + (2 * ns)] & 15;

        if (_progressive)
        {
            bool dc = ss == 0;
            if (ss > 63 || se > 63 || (dc && se != 0) || (!dc && (se < ss || ns != 1)) || al > 13)
            {
                ThrowHelper.Corrupt("invalid progressive scan parameters");
            }
        }
        else if (ss != 0 || se != 63 || ah != 0 || al != 0)
        {
            // libjpeg ignores these in sequential mode, but values other than the defaults mean damage.
            ss = 0;
            se = 63;
            ah = 0;
            al = 0;
        }

        foreach (var c in scan)
        {
            bool needDc = !_progressive || (ss == 0 && ah == 0);
            bool needAc = !_progressive || ss > 0;
            if ((needDc && _dcTables[c.DcTable] is null) || (needAc && _acTables[c.AcTable] is null))
            {
                ThrowHelper.Corrupt("scan uses an undefined Huffman table");
            }

            if (_quant[c.QuantTable] is null)
            {
                ThrowHelper.Corrupt("component uses an undefined quantisation table");
            }

            c.Pred = 0;
        }

        _eobrun = 0;
        var reader = new JpegBitReader(_data, dataStart);
        var ctx = new ScanContext(ss, se, ah, al);
        int restartsLeft = _restartInterval;

        if (ns == 1)
        {
            var c = scan[0];
            for (int by = 0; by < c.BlocksPerColumn; by++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int bx = 0; bx < c.BlocksPerLine; bx++)
                {
                    if (_restartInterval > 0 && restartsLeft == 0)
                    {
                        reader.Restart();
                        c.Pred = 0;
                        _eobrun = 0;
                        restartsLeft = _restartInterval;
                    }

                    DecodeBlock(ref reader, c, bx, by, ctx);
                    CheckReader(ref reader);
                    restartsLeft--;
                }
            }
        }
        else
        {
            for (int my = 0; my < _mcusY; my++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int mx = 0; mx < _mcusX; mx++)
                {
                    if (_restartInterval > 0 && restartsLeft == 0)
                    {
                        reader.Restart();
                        foreach (var c in scan)
                        {
                            c.Pred = 0;
                        }

                        _eobrun = 0;
                        restartsLeft = _restartInterval;
                    }

                    foreach (var c in scan)
                    {
                        for (int v = 0; v < c.V; v++)
                        {
                            for (int h = 0; h < c.H; h++)
                            {
                                DecodeBlock(ref reader, c, (mx * c.H) + h, (my * c.V) + v, ctx);
                            }
                        }
                    }

                    CheckReader(ref reader);
                    restartsLeft--;
                }
            }
        }

        return reader.FindMarkerAfterScan();
    }

    private static void CheckReader(ref JpegBitReader reader)
    {
        if (reader.Overrun)
        {
            if (reader.HitEndOfData)
            {
                ThrowHelper.Truncated("JPEG entropy-coded data is truncated");
            }

            ThrowHelper.Corrupt("JPEG entropy-coded data is corrupt (decoder ran into a marker)");
        }
    }

    private readonly record struct ScanContext(int Ss, int Se, int Ah, int Al);

    private void DecodeBlock(ref JpegBitReader reader, JpegComponent c, int bx, int by, ScanContext ctx)
    {
        if (!_progressive)
        {
            DecodeBaselineBlock(ref reader, c, bx, by);
            return;
        }

        int s = _scale;
        int blockIndex = (by * c.BlocksPerLineMcu) + bx;
        var coeffs = c.Coeffs.AsSpan(blockIndex * s * s, s * s);
        ref ulong nonzero = ref c.Nonzero![blockIndex];
        if (ctx.Ss == 0)
        {
            if (ctx.Ah == 0)
            {
                int t = reader.Decode(_dcTables[c.DcTable]!);
                if (t > 15)
                {
                    ThrowHelper.Corrupt("invalid DC magnitude category");
                }

                c.Pred += reader.Receive(t);
                coeffs[0] = Saturate(c.Pred * (1 << ctx.Al));
            }
            else if (reader.ReadBit() != 0)
            {
                coeffs[0] = (short)((ushort)coeffs[0] | (1 << ctx.Al));
            }
        }
        else if (ctx.Ah == 0)
        {
            DecodeAcFirst(ref reader, c, coeffs, ref nonzero, ctx);
        }
        else
        {
            DecodeAcRefine(ref reader, c, coeffs, ref nonzero, ctx);
        }
    }

    private static short Saturate(int v) => (short)Math.Clamp(v, short.MinValue, short.MaxValue);

    private void DecodeAcFirst(ref JpegBitReader reader, JpegComponent c, Span<short> coeffs, ref ulong nonzero, ScanContext ctx)
    {
        if (_eobrun > 0)
        {
            _eobrun--;
            return;
        }

        var table = _acTables[c.AcTable]!;
        var slots = SlotMap(_scale);
        for (int k = ctx.Ss; k <= ctx.Se; k++)
        {
            int rs = reader.Decode(table);
            int r = rs >> 4;
            int size = rs & 15;
            if (size == 0)
            {
                if (r < 15)
                {
                    _eobrun = (1 << r) - 1;
                    if (r > 0)
                    {
                        _eobrun += reader.ReadBits(r);
                    }

                    break;
                }

                k += 15;
                continue;
            }

            k += r;
            if (k > 63)
            {
                ThrowHelper.Corrupt("AC coefficient index out of range");
            }

            int value = reader.Receive(size) * (1 << ctx.Al);
            nonzero |= 1UL << k;
            int slot = slots[k];
            if (slot >= 0)
            {
                coeffs[slot] = Saturate(value);
            }
        }
    }

    private void DecodeAcRefine(ref JpegBitReader reader, JpegComponent c, Span<short> coeffs, ref ulong nonzero, ScanContext ctx)
    {
        int p1 = 1 << ctx.Al;
        int m1 = -1 << ctx.Al;
        var slots = SlotMap(_scale);
        var table = _acTables[c.AcTable]!;
        int k = ctx.Ss;
        int se = ctx.Se;
        if (_eobrun == 0)
        {
            for (; k <= se; k++)
            {
                int rs = reader.Decode(table);
                int r = rs >> 4;
                int size = rs & 15;
                int value = 0;
                if (size != 0)
                {
                    if (size != 1)
                    {
                        ThrowHelper.Corrupt("invalid AC refinement magnitude");
                    }

                    value = reader.ReadBit() != 0 ? p1 : m1;
                }
                else if (r != 15)
                {
                    _eobrun = 1 << r;
                    if (r > 0)
                    {
                        _eobrun += reader.ReadBits(r);
                    }

                    break;
                }

                // Advance over already-non-zero coefficients (refining each) and r zero ones.
                do
                {
                    if ((nonzero & (1UL << k)) != 0)
                    {
                        if (reader.ReadBit() != 0)
                        {
                            Refine(coeffs, slots[k], p1, m1);
                        }
                    }
                    else
                    {
                        if (r == 0)
                        {
                            break;
                        }

                        r--;
                    }

                    k++;
                }
                while (k <= se);

                if (value != 0)
                {
                    if (k > se)
                    {
                        ThrowHelper.Corrupt("AC refinement runs past the spectral band");
                    }

                    nonzero |= 1UL << k;
                    int slot = slots[k];
                    if (slot >= 0)
                    {
                        coeffs[slot] = (short)value;
                    }
                }
            }
        }

        if (_eobrun > 0)
        {
            // Inside an EOB run only already-non-zero coefficients get a correction bit; visit just
            // those (the mask is in zig-zag order, so set bits come out in band order).
            if (k <= se)
            {
                ulong band = (se == 63 ? ulong.MaxValue : (1UL << (se + 1)) - 1) & ~((1UL << k) - 1);
                ulong pending = nonzero & band;
                while (pending != 0)
                {
                    int kk = System.Numerics.BitOperations.TrailingZeroCount(pending);
                    pending &= pending - 1;
                    if (reader.ReadBit() != 0)
                    {
                        Refine(coeffs, slots[kk], p1, m1);
                    }
                }
            }

            _eobrun--;
        }
    }

    private static void Refine(Span<short> coeffs, int slot, int p1, int m1)
    {
        if (slot < 0)
        {
            return;
        }

        int v = coeffs[slot];
        if ((v & p1) == 0)
        {
            coeffs[slot] = Saturate(v >= 0 ? v + p1 : v + m1);
        }
    }

    private void DecodeBaselineBlock(ref JpegBitReader reader, JpegComponent c, int bx, int by)
    {
        int s = _scale;
        Span<int> block = stackalloc int[64];
        block[..(s * s)].Clear();
        var slots = SlotMap(s);

        int t = reader.Decode(_dcTables[c.DcTable]!);
        if (t > 15)
        {
            ThrowHelper.Corrupt("invalid DC magnitude category");
        }

        c.Pred += reader.Receive(t);
        block[0] = c.Pred;
        bool acPresent = false;
        var ac = _acTables[c.AcTable]!;
        for (int k = 1; k < 64; k++)
        {
            int rs = reader.Decode(ac);
            int r = rs >> 4;
            int size = rs & 15;
            if (size == 0)
            {
                if (r != 15)
                {
                    break;
                }

                k += 15;
                continue;
            }

            k += r;
            if (k > 63)
            {
                ThrowHelper.Corrupt("AC coefficient index out of range");
            }

            int slot = slots[k];
            if (slot >= 0)
            {
                block[slot] = reader.Receive(size);
                acPresent = true;
            }
            else
            {
                reader.Skip(size);
            }
        }

        // Blocks past the image in the MCU padding still have to be decoded but need no output.
        if (bx >= c.BlocksPerLineMcu || by >= c.BlocksPerColumnMcu)
        {
            return;
        }

        WriteBlock(c, bx, by, block, acPresent);
    }

    private void WriteBlock(JpegComponent c, int bx, int by, ReadOnlySpan<int> block, bool acPresent)
    {
        int s = _scale;
        var q = _quant[c.QuantTable]!;
        var slotNatural = SlotNatural(s);
        var dest = c.Plane.AsSpan((by * s * c.PlaneStride) + (bx * s));
        if (!acPresent)
        {
            // Flat block: the inverse DCT of a lone DC term is its mean everywhere.
            float mean = (block[0] * q[0] / 8f) + 128.5f;
            byte value = mean <= 0 ? (byte)0 : mean >= 255 ? (byte)255 : (byte)(int)mean;
            for (int y = 0; y < s; y++)
            {
                dest.Slice(y * c.PlaneStride, s).Fill(value);
            }

            return;
        }

        Span<float> f = stackalloc float[64];
        for (int i = 0; i < s * s; i++)
        {
            f[i] = block[i] * q[slotNatural[i]];
        }

        Dct.Inverse(f, s, dest, c.PlaneStride);
    }

    private void FinishProgressive(CancellationToken cancellationToken)
    {
        int s = _scale;
        Span<int> block = stackalloc int[64];
        foreach (var c in _components)
        {
            var coeffs = c.Coeffs!;
            for (int by = 0; by < c.BlocksPerColumnMcu; by++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                for (int bx = 0; bx < c.BlocksPerLineMcu; bx++)
                {
                    int b = (by * c.BlocksPerLineMcu) + bx;
                    bool ac = false;
                    for (int i = 0; i < s * s; i++)
                    {
                        block[i] = coeffs[(b * s * s) + i];
                        ac |= i > 0 && block[i] != 0;
                    }

                    WriteBlock(c, bx, by, block, ac);
                }
            }

            c.Coeffs = null;
            c.Nonzero = null;
        }
    }

    private PixelBuffer Output()
    {
        var (w, h) = ScaledSize(_width, _height, 8 / _scale);
        var space = ColorSpace();
        var format = space == JpegColorSpace.Gray ? PixelFormat.Gray8 : PixelFormat.Rgb24;
        var output = new PixelBuffer(w, h, format);
        JpegColorConverter.Convert(_components, space, _hMax, _vMax, fancy: _scale > 1, output);
        return output;
    }

    private static readonly sbyte[][] SlotMaps = [BuildSlotMap(1), BuildSlotMap(2), BuildSlotMap(4), BuildSlotMap(8)];
    private static readonly byte[][] SlotNaturals = [BuildSlotNatural(1), BuildSlotNatural(2), BuildSlotNatural(4), BuildSlotNatural(8)];

    private static int ScaleIndex(int s) => s switch { 1 => 0, 2 => 1, 4 => 2, _ => 3 };

    /// <summary>Zig-zag index → index in the kept S×S block, or −1 when the frequency is dropped.</summary>
    private static ReadOnlySpan<sbyte> SlotMap(int s) => SlotMaps[ScaleIndex(s)];

    /// <summary>Kept-slot index → natural index (for the quantisation table).</summary>
    private static ReadOnlySpan<byte> SlotNatural(int s) => SlotNaturals[ScaleIndex(s)];

    private static sbyte[] BuildSlotMap(int s)
    {
        var map = new sbyte[80];
        for (int k = 0; k < 80; k++)
        {
            int natural = JpegConstants.ZigZag[k];
            int row = natural >> 3;
            int col = natural & 7;
            map[k] = k < 64 && row < s && col < s ? (sbyte)((row * s) + col) : (sbyte)-1;
        }

        return map;
    }

    private static byte[] BuildSlotNatural(int s)
    {
        var map = new byte[s * s];
        for (int row = 0; row < s; row++)
        {
            for (int col = 0; col < s; col++)
            {
                map[(row * s) + col] = (byte)((row * 8) + col);
            }
        }

        return map;
    }
}
