using System.Runtime.CompilerServices;

namespace Hit.Imaging.Formats.Jpeg;

/// <summary>
/// Entropy-coded segment reader: removes 0xFF00 stuffing, stops at markers and then feeds zero bits.
/// Padding is counted so a decoder that consumes it (truncated or corrupt data) is detected per MCU.
/// </summary>
internal ref struct JpegBitReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;
    private ulong _buffer;
    private int _count;
    private int _padBits;
    private bool _atMarker;

    public JpegBitReader(ReadOnlySpan<byte> data, int position)
    {
        _data = data;
        _pos = position;
    }

    /// <summary>True once the decoder has consumed bits that did not come from the file.</summary>
    public readonly bool Overrun => _count < _padBits;

    public readonly bool HitEndOfData => _atMarker && _pos >= _data.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnsureBits()
    {
        if (_count < 32)
        {
            Fill();
        }
    }

    private void Fill()
    {
        while (_count <= 56)
        {
            uint b = 0;
            if (!_atMarker)
            {
                if (_pos >= _data.Length)
                {
                    _atMarker = true;
                }
                else
                {
                    b = _data[_pos];
                    if (b != 0xFF)
                    {
                        _pos++;
                    }
                    else
                    {
                        int next = _pos + 1 < _data.Length ? _data[_pos + 1] : -1;
                        if (next == 0)
                        {
                            _pos += 2;
                        }
                        else
                        {
                            // A marker (or the end of data): leave _pos on it for the caller.
                            _atMarker = true;
                            b = 0;
                        }
                    }
                }
            }

            if (_atMarker)
            {
                _padBits += 8;
            }

            _buffer |= (ulong)b << (56 - _count);
            _count += 8;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly int Peek(int n) => (int)(_buffer >> (64 - n));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Skip(int n)
    {
        _buffer <<= n;
        _count -= n;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadBits(int n)
    {
        if (n == 0)
        {
            return 0;
        }

        EnsureBits();
        int v = (int)(_buffer >> (64 - n));
        _buffer <<= n;
        _count -= n;
        return v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadBit()
    {
        EnsureBits();
        int v = (int)(_buffer >> 63);
        _buffer <<= 1;
        _count--;
        return v;
    }

    /// <summary>Reads <paramref name="n"/> bits and sign-extends them as JPEG magnitude categories do.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Receive(int n)
    {
        if (n == 0)
        {
            return 0;
        }

        EnsureBits();
        int v = (int)(_buffer >> (64 - n));
        _buffer <<= n;
        _count -= n;
        return v < (1 << (n - 1)) ? v - (1 << n) + 1 : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(HuffmanTable table)
    {
        EnsureBits();
        int entry = table.Lookup[(int)(_buffer >> (64 - HuffmanTable.LookupBits))];
        if (entry != 0)
        {
            int len = entry >> 8;
            _buffer <<= len;
            _count -= len;
            return entry & 0xFF;
        }

        return DecodeSlow(table);
    }

    private int DecodeSlow(HuffmanTable table)
    {
        for (int len = HuffmanTable.LookupBits + 1; len <= 16; len++)
        {
            int code = (int)(_buffer >> (64 - len));
            if (code <= table.MaxCode[len])
            {
                _buffer <<= len;
                _count -= len;
                int index = code + table.ValOffset[len];
                if ((uint)index >= 256u)
                {
                    ThrowHelper.Corrupt("invalid Huffman code");
                }

                return table.Values[index];
            }
        }

        ThrowHelper.Corrupt("invalid Huffman code");
        return 0;
    }

    /// <summary>
    /// Positions the reader after the next RSTn marker (the encoder byte-aligns before it) and
    /// clears the bit buffer; any other marker there means the data is corrupt.
    /// </summary>
    public void Restart()
    {
        // The prefetch may stop before or at the marker; either way skip to the 0xFF that starts it.
        int p = _pos;
        while (p + 1 < _data.Length && !(_data[p] == 0xFF && _data[p + 1] != 0 && _data[p + 1] != 0xFF))
        {
            p++;
        }

        if (p + 1 >= _data.Length)
        {
            ThrowHelper.Truncated("JPEG data ends before a restart marker");
        }

        byte marker = _data[p + 1];
        if (marker < 0xD0 || marker > 0xD7)
        {
            ThrowHelper.Corrupt($"expected a restart marker, found 0xFF{marker:X2}");
        }

        _pos = p + 2;
        _buffer = 0;
        _count = 0;
        _padBits = 0;
        _atMarker = false;
    }

    /// <summary>Position after the scan: the first marker at or after the last byte read.</summary>
    public readonly int FindMarkerAfterScan()
    {
        int p = _pos;
        while (p + 1 < _data.Length && !(_data[p] == 0xFF && _data[p + 1] != 0 && _data[p + 1] != 0xFF && (_data[p + 1] < 0xD0 || _data[p + 1] > 0xD7)))
        {
            p++;
        }

        return p;
    }
}
