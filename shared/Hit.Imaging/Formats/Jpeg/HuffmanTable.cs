namespace Hit.Imaging.Formats.Jpeg;

/// <summary>A canonical Huffman decoding table with a 9-bit lookahead for the common short codes.</summary>
internal sealed class HuffmanTable
{
    public const int LookupBits = 9;

    // (length << 8) | symbol; 0 means "code longer than LookupBits".
    public readonly ushort[] Lookup = new ushort[1 << LookupBits];
    public readonly int[] MaxCode = new int[18];
    public readonly int[] ValOffset = new int[18];
    public readonly byte[] Values = new byte[256];

    public HuffmanTable(ReadOnlySpan<byte> counts, ReadOnlySpan<byte> values)
    {
        values.CopyTo(Values);
        int code = 0;
        int k = 0;
        for (int len = 1; len <= 16; len++)
        {
            int count = counts[len - 1];
            ValOffset[len] = k - code;
            for (int i = 0; i < count; i++, k++, code++)
            {
                if (len <= LookupBits)
                {
                    int shift = LookupBits - len;
                    int first = code << shift;
                    ushort entry = (ushort)((len << 8) | values[k]);
                    Lookup.AsSpan(first, 1 << shift).Fill(entry);
                }
            }

            MaxCode[len] = count == 0 ? -1 : code - 1;
            if (code > (1 << len))
            {
                ThrowHelper.Corrupt("invalid Huffman table (code space overflow)");
            }

            code <<= 1;
        }

        MaxCode[17] = int.MaxValue;
    }
}
