namespace Hit.Imaging.Formats.Jpeg;

/// <summary>
/// Upsamples chroma planes and converts to RGB/gray, row by row. Fancy (triangle) upsampling and
/// the fixed-point YCbCr tables follow libjpeg so full-scale output matches the reference decoder.
/// </summary>
internal static class JpegColorConverter
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);
    private static readonly int[] CrR = new int[256];
    private static readonly int[] CbB = new int[256];
    private static readonly int[] CrG = new int[256];
    private static readonly int[] CbG = new int[256];

#pragma warning disable CA1810 // The tables depend on each other; a static constructor keeps them together.
    static JpegColorConverter()
#pragma warning restore CA1810
    {
        for (int i = 0; i < 256; i++)
        {
            int x = i - 128;
            CrR[i] = ((Fix(1.40200) * x) + OneHalf) >> ScaleBits;
            CbB[i] = ((Fix(1.77200) * x) + OneHalf) >> ScaleBits;
            CrG[i] = -Fix(0.71414) * x;
            CbG[i] = (-Fix(0.34414) * x) + OneHalf;
        }
    }

    private static int Fix(double x) => (int)((x * (1 << ScaleBits)) + 0.5);

    public static void Convert(JpegComponent[] components, JpegColorSpace space, int hMax, int vMax, bool fancy, PixelBuffer output)
    {
        int w = output.Width;
        int n = components.Length;
        var rows = new byte[n][];
        var colSum = new int[w + 2];
        for (int i = 0; i < n; i++)
        {
            rows[i] = new byte[w + 8];
        }

        var pixels = output.Pixels;
        for (int y = 0; y < output.Height; y++)
        {
            for (int i = 0; i < n; i++)
            {
                UpsampleRow(components[i], hMax / components[i].H, vMax / components[i].V, y, fancy, rows[i], w, colSum);
            }

            int o = y * output.Stride;
            switch (space)
            {
                case JpegColorSpace.Gray:
                    rows[0].AsSpan(0, w).CopyTo(pixels.AsSpan(o, w));
                    break;
                case JpegColorSpace.Rgb:
                    for (int x = 0; x < w; x++, o += 3)
                    {
                        pixels[o] = rows[0][x];
                        pixels[o + 1] = rows[1][x];
                        pixels[o + 2] = rows[2][x];
                    }

                    break;
                case JpegColorSpace.YCbCr:
                    YccRow(rows[0], rows[1], rows[2], pixels.AsSpan(o, w * 3), w);
                    break;
                default:
                    CmykRow(rows, space == JpegColorSpace.Ycck, pixels.AsSpan(o, w * 3), w);
                    break;
            }
        }
    }

    private static void YccRow(byte[] yRow, byte[] cbRow, byte[] crRow, Span<byte> dst, int w)
    {
        for (int x = 0; x < w; x++)
        {
            int yy = yRow[x];
            int cb = cbRow[x];
            int cr = crRow[x];
            dst[x * 3] = Clamp(yy + CrR[cr]);
            dst[(x * 3) + 1] = Clamp(yy + ((CbG[cb] + CrG[cr]) >> ScaleBits));
            dst[(x * 3) + 2] = Clamp(yy + CbB[cb]);
        }
    }

    /// <summary>
    /// Adobe CMYK/YCCK is stored inverted (as Photoshop writes it), so with c' = stored cyan and
    /// k' = stored black, red = c'·k'/255 — the same naive conversion ImageMagick applies.
    /// </summary>
    private static void CmykRow(byte[][] rows, bool ycck, Span<byte> dst, int w)
    {
        for (int x = 0; x < w; x++)
        {
            int c = rows[0][x];
            int m = rows[1][x];
            int ye = rows[2][x];
            int k = rows[3][x];
            if (ycck)
            {
                int yy = c;
                int cb = m;
                int cr = ye;
                c = 255 - Clamp(yy + CrR[cr]);
                m = 255 - Clamp(yy + ((CbG[cb] + CrG[cr]) >> ScaleBits));
                ye = 255 - Clamp(yy + CbB[cb]);
            }

            dst[x * 3] = (byte)(((c * k) + 127) / 255);
            dst[(x * 3) + 1] = (byte)(((m * k) + 127) / 255);
            dst[(x * 3) + 2] = (byte)(((ye * k) + 127) / 255);
        }
    }

    private static byte Clamp(int v) => v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;

    private static void UpsampleRow(JpegComponent c, int hf, int vf, int y, bool fancy, byte[] dst, int w, int[] colSum)
    {
        var plane = c.Plane;
        int stride = c.PlaneStride;
        int lastRow = c.ScaledHeight - 1;
        int lastCol = c.ScaledWidth - 1;
        if (hf == 1 && vf == 1)
        {
            plane.AsSpan(Math.Min(y, lastRow) * stride, w).CopyTo(dst);
            return;
        }

        if (fancy && hf == 2 && vf == 1)
        {
            var row = plane.AsSpan(Math.Min(y, lastRow) * stride, stride);
            for (int i = 0; i <= lastCol; i++)
            {
                int cur = row[i] * 3;
                int left = row[Math.Max(i - 1, 0)];
                int right = row[Math.Min(i + 1, lastCol)];
                Set(dst, 2 * i, w, (cur + left + 1) >> 2);
                Set(dst, (2 * i) + 1, w, (cur + right + 2) >> 2);
            }

            return;
        }

        if (fancy && vf == 2 && (hf == 1 || hf == 2))
        {
            int srcY = Math.Min(y >> 1, lastRow);
            bool upper = (y & 1) == 0;
            int nbY = Math.Clamp(upper ? srcY - 1 : srcY + 1, 0, lastRow);
            var cur = plane.AsSpan(srcY * stride, stride);
            var nb = plane.AsSpan(nbY * stride, stride);
            if (hf == 1)
            {
                int bias = upper ? 1 : 2;
                for (int i = 0; i < w; i++)
                {
                    int x = Math.Min(i, lastCol);
                    dst[i] = (byte)(((cur[x] * 3) + nb[x] + bias) >> 2);
                }

                return;
            }

            for (int i = 0; i <= lastCol; i++)
            {
                colSum[i] = (cur[i] * 3) + nb[i];
            }

            for (int i = 0; i <= lastCol; i++)
            {
                int cs = colSum[i] * 3;
                Set(dst, 2 * i, w, (cs + colSum[Math.Max(i - 1, 0)] + 8) >> 4);
                Set(dst, (2 * i) + 1, w, (cs + colSum[Math.Min(i + 1, lastCol)] + 7) >> 4);
            }

            return;
        }

        // Plain replication for other factors (and for 1/8 scale, as libjpeg does).
        var srcRow = plane.AsSpan(Math.Min(y / vf, lastRow) * stride, stride);
        for (int i = 0; i < w; i++)
        {
            dst[i] = srcRow[Math.Min(i / hf, lastCol)];
        }
    }

    private static void Set(byte[] dst, int i, int w, int v)
    {
        if (i < w)
        {
            dst[i] = (byte)v;
        }
    }
}
