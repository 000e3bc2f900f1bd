using System.Buffers.Binary;

namespace Hit.Imaging;

/// <summary>Reads the orientation tag from an EXIF (TIFF-structured) block; everything else is dropped.</summary>
internal static class Exif
{
    private const ushort OrientationTag = 0x0112;

    /// <summary>Returns the EXIF orientation (1–8), or 1 when absent or malformed.</summary>
    public static int ReadOrientation(ReadOnlySpan<byte> tiff)
    {
        if (tiff.Length < 8)
        {
            return 1;
        }

        bool little;
        if (tiff[0] == 'I' && tiff[1] == 'I')
        {
            little = true;
        }
        else if (tiff[0] == 'M' && tiff[1] == 'M')
        {
            little = false;
        }
        else
        {
            return 1;
        }

        uint ifd = ReadU32(tiff[4..], little);
        if (ifd > (uint)tiff.Length - 2)
        {
            return 1;
        }

        int count = ReadU16(tiff[(int)ifd..], little);
        for (int i = 0; i < count; i++)
        {
            long entry = ifd + 2 + (12L * i);
            if (entry + 12 > tiff.Length)
            {
                return 1;
            }

            var e = tiff.Slice((int)entry, 12);
            if (ReadU16(e, little) == OrientationTag)
            {
                int type = ReadU16(e[2..], little);
                int value = type == 3 ? ReadU16(e[8..], little) : type == 4 ? (int)Math.Min(ReadU32(e[8..], little), 9u) : 1;
                return value is >= 1 and <= 8 ? value : 1;
            }
        }

        return 1;
    }

    private static ushort ReadU16(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadUInt16BigEndian(s);

    private static uint ReadU32(ReadOnlySpan<byte> s, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(s) : BinaryPrimitives.ReadUInt32BigEndian(s);
}
