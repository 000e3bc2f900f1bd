using System.Buffers.Binary;
using System.Numerics;

namespace Hit.Imaging.Formats.Bmp;

/// <summary>
/// BMP decoder for the common variants: OS/2 core and Windows info headers (40/52/56/108/124 bytes),
/// 1/4/8-bit palettes, 16/24/32-bit RGB, BI_BITFIELDS masks (alpha when a mask is given), bottom-up
/// RLE8/RLE4, and bottom-up and top-down rows. Embedded JPEG/PNG bitmaps are rejected as unsupported.
/// </summary>
internal static class BmpDecoder
{
    private sealed record Header(int Width, int Height, bool TopDown, int Bpp, int Compression, int HeaderSize, int PixelOffset, int PaletteCount);

    public static (int Width, int Height) Identify(ReadOnlySpan<byte> data, ImagingLimits limits)
    {
        var h = ReadHeader(data, limits);
        return (h.Width, h.Height);
    }

    private static Header ReadHeader(ReadOnlySpan<byte> data, ImagingLimits limits)
    {
        if (data.Length < 26)
        {
            ThrowHelper.Truncated("BMP header truncated");
        }

        uint pixelOffset = BinaryPrimitives.ReadUInt32LittleEndian(data[10..]);
        int headerSize = BinaryPrimitives.ReadInt32LittleEndian(data[14..]);
        if (headerSize is not (12 or 40 or 52 or 56 or 64 or 108 or 124))
        {
            ThrowHelper.Unsupported($"unsupported BMP header size {headerSize}");
        }

        if (data.Length < 14 + headerSize)
        {
            ThrowHelper.Truncated("BMP header truncated");
        }

        var d = data.Slice(14, headerSize);
        long width;
        long height;
        int bpp;
        int compression = 0;
        int paletteCount = 0;
        if (headerSize == 12)
        {
            width = BinaryPrimitives.ReadUInt16LittleEndian(d[4..]);
            height = BinaryPrimitives.ReadUInt16LittleEndian(d[6..]);
            bpp = BinaryPrimitives.ReadUInt16LittleEndian(d[10..]);
        }
        else
        {
            width = BinaryPrimitives.ReadInt32LittleEndian(d[4..]);
            height = BinaryPrimitives.ReadInt32LittleEndian(d[8..]);
            bpp = BinaryPrimitives.ReadUInt16LittleEndian(d[14..]);
            compression = BinaryPrimitives.ReadInt32LittleEndian(d[16..]);
            paletteCount = BinaryPrimitives.ReadInt32LittleEndian(d[32..]);
        }

        bool topDown = height < 0;
        height = Math.Abs(height);
        limits.CheckDimensions(width, height);
        if (bpp is not (1 or 4 or 8 or 16 or 24 or 32))
        {
            ThrowHelper.Unsupported($"unsupported BMP bit depth {bpp}");
        }

        if ((compression == 1 && bpp != 8) || (compression == 2 && bpp != 4))
        {
            ThrowHelper.Corrupt("BMP RLE compression does not match the bit depth");
        }

        if (compression is not (0 or 1 or 2 or 3 or 6))
        {
            ThrowHelper.Unsupported($"unsupported BMP compression {compression}");
        }

        if (bpp <= 8)
        {
            if (paletteCount <= 0 || paletteCount > (1 << bpp))
            {
                paletteCount = 1 << bpp;
            }
        }

        if (pixelOffset > data.Length)
        {
            ThrowHelper.Truncated("BMP pixel data offset beyond end of file");
        }

        return new Header((int)width, (int)height, topDown, bpp, compression, headerSize, (int)pixelOffset, paletteCount);
    }

    public static PixelBuffer Decode(byte[] data, ImagingLimits limits, CancellationToken cancellationToken)
    {
        var h = ReadHeader(data, limits);
        long stride = ((((long)h.Width * h.Bpp) + 31) / 32) * 4;
        bool rle = h.Compression is 1 or 2;
        if (!rle && h.PixelOffset + (stride * h.Height) > data.Length)
        {
            ThrowHelper.Truncated("BMP pixel data truncated");
        }

        uint rMask = 0, gMask = 0, bMask = 0, aMask = 0;
        int afterHeader = 14 + h.HeaderSize;
        if (h.Bpp == 16)
        {
            (rMask, gMask, bMask) = (0x7C00u, 0x03E0u, 0x001Fu);
        }
        else if (h.Bpp == 32)
        {
            (rMask, gMask, bMask) = (0x00FF0000u, 0x0000FF00u, 0x000000FFu);
        }

        if (h.Compression is 3 or 6 && h.Bpp is 16 or 32)
        {
            // Masks live inside a V2+ header, or right after a 40-byte one.
            int maskAt = h.HeaderSize >= 52 ? 14 + 40 : afterHeader;
            int maskCount = h.HeaderSize >= 56 || h.Compression == 6 ? 4 : 3;
            if (maskAt + (4 * maskCount) > data.Length)
            {
                ThrowHelper.Truncated("BMP colour masks truncated");
            }

            rMask = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(maskAt));
            gMask = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(maskAt + 4));
            bMask = BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(maskAt + 8));
            aMask = maskCount == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(maskAt + 12)) : 0;
            if (h.HeaderSize == 40)
            {
                afterHeader += 4 * (h.Compression == 6 ? 4 : 3);
            }
        }
        else if (h.HeaderSize >= 56 && h.Bpp == 32 && h.Compression == 0)
        {
            aMask = 0;
        }

        byte[]? palette = null;
        if (h.Bpp <= 8)
        {
            int entry = h.HeaderSize == 12 ? 3 : 4;
            if (afterHeader + (h.PaletteCount * entry) > data.Length)
            {
                ThrowHelper.Truncated("BMP palette truncated");
            }

            palette = new byte[256 * 3];
            for (int i = 0; i < h.PaletteCount; i++)
            {
                int p = afterHeader + (i * entry);
                palette[i * 3] = data[p + 2];
                palette[(i * 3) + 1] = data[p + 1];
                palette[(i * 3) + 2] = data[p];
            }
        }

        if (rle)
        {
            return DecodeRle(data, h, palette!, cancellationToken);
        }

        var format = aMask != 0 ? PixelFormat.Rgba32 : PixelFormat.Rgb24;
        var output = new PixelBuffer(h.Width, h.Height, format);
        int c = output.Channels;
        var rf = new MaskField(rMask);
        var gf = new MaskField(gMask);
        var bf = new MaskField(bMask);
        var af = new MaskField(aMask);
        for (int row = 0; row < h.Height; row++)
        {
            if ((row & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            var src = data.AsSpan((int)(h.PixelOffset + (row * stride)), (int)stride);
            var dst = output.Row(h.TopDown ? row : h.Height - 1 - row);
            for (int x = 0; x < h.Width; x++)
            {
                int o = x * c;
                switch (h.Bpp)
                {
                    case 24:
                        dst[o] = src[(x * 3) + 2];
                        dst[o + 1] = src[(x * 3) + 1];
                        dst[o + 2] = src[x * 3];
                        break;
                    case 16:
                    case 32:
                        uint v = h.Bpp == 16 ? BinaryPrimitives.ReadUInt16LittleEndian(src[(x * 2)..]) : BinaryPrimitives.ReadUInt32LittleEndian(src[(x * 4)..]);
                        dst[o] = rf.Extract(v);
                        dst[o + 1] = gf.Extract(v);
                        dst[o + 2] = bf.Extract(v);
                        if (c == 4)
                        {
                            dst[o + 3] = af.Extract(v);
                        }

                        break;
                    default:
                        int bit = x * h.Bpp;
                        int index = (src[bit >> 3] >> (8 - h.Bpp - (bit & 7))) & ((1 << h.Bpp) - 1);
                        dst[o] = palette![index * 3];
                        dst[o + 1] = palette[(index * 3) + 1];
                        dst[o + 2] = palette[(index * 3) + 2];
                        break;
                }
            }
        }

        return output;
    }

    /// <summary>RLE8/RLE4: runs, absolute runs (word aligned), end-of-line, delta and end-of-bitmap escapes.</summary>
    private static PixelBuffer DecodeRle(byte[] data, Header h, byte[] palette, CancellationToken cancellationToken)
    {
        var output = new PixelBuffer(h.Width, h.Height, PixelFormat.Rgb24);
        var px = output.Pixels;
        int x = 0;
        int y = 0; // counted from the first stored row
        int p = h.PixelOffset;
        bool four = h.Compression == 2;

        void Put(int index)
        {
            if (x < h.Width && y < h.Height)
            {
                int row = h.TopDown ? y : h.Height - 1 - y;
                int o = ((row * h.Width) + x) * 3;
                px[o] = palette[index * 3];
                px[o + 1] = palette[(index * 3) + 1];
                px[o + 2] = palette[(index * 3) + 2];
            }

            x++;
        }

        while (true)
        {
            if (p + 2 > data.Length)
            {
                ThrowHelper.Truncated("BMP RLE data truncated");
            }

            int count = data[p];
            int value = data[p + 1];
            p += 2;
            if (count > 0)
            {
                for (int i = 0; i < count; i++)
                {
                    Put(four ? ((i & 1) == 0 ? value >> 4 : value & 15) : value);
                }

                continue;
            }

            switch (value)
            {
                case 0:
                    x = 0;
                    y++;
                    if ((y & 63) == 0)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                    }

                    break;
                case 1:
                    return output;
                case 2:
                    if (p + 2 > data.Length)
                    {
                        ThrowHelper.Truncated("BMP RLE data truncated");
                    }

                    x += data[p];
                    y += data[p + 1];
                    p += 2;
                    break;
                default:
                    int bytes = four ? (value + 1) / 2 : value;
                    if (p + bytes > data.Length)
                    {
                        ThrowHelper.Truncated("BMP RLE data truncated");
                    }

                    for (int i = 0; i < value; i++)
                    {
                        Put(four ? ((i & 1) == 0 ? data[p + (i / 2)] >> 4 : data[p + (i / 2)] & 15) : data[p + i]);
                    }

                    p += bytes + (bytes & 1);
                    break;
            }

            if (y > h.Height)
            {
                // Rows past the bitmap: the rest of the stream cannot add visible pixels.
                return output;
            }
        }
    }

    /// <summary>A colour mask: shift and width, scaled to 8 bits by bit replication.</summary>
    private readonly struct MaskField
    {
        private readonly uint _mask;
        private readonly int _shift;
        private readonly int _bits;

        public MaskField(uint mask)
        {
            _mask = mask;
            _shift = mask == 0 ? 0 : BitOperations.TrailingZeroCount(mask);
            _bits = mask == 0 ? 0 : Math.Min(BitOperations.PopCount(mask), 8);
        }

        public byte Extract(uint v)
        {
            if (_bits == 0)
            {
                return 0;
            }

            uint value = (v & _mask) >> _shift;
            int total = BitOperations.PopCount(_mask);
            if (total > 8)
            {
                value >>= total - 8;
            }

            // Replicate the high bits into the low ones: 5-bit 31 → 255, 0 → 0.
            uint result = value << (8 - _bits);
            for (int filled = _bits; filled < 8; filled += _bits)
            {
                result |= value << (8 - _bits) >> filled;
            }

            return (byte)result;
        }
    }
}
