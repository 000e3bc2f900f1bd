namespace Hit.Imaging.Tests;

internal static class ImageCompare
{
    /// <summary>PSNR in dB over RGBA samples; colour of pixels transparent in both images is ignored.</summary>
    public static double Psnr(byte[] a, byte[] b, bool includeAlpha = true)
    {
        Assert.Equal(a.Length, b.Length);
        double se = 0;
        long n = 0;
        for (int i = 0; i < a.Length; i += 4)
        {
            bool bothTransparent = a[i + 3] == 0 && b[i + 3] == 0;
            for (int c = 0; c < 4; c++)
            {
                if (c == 3 && !includeAlpha)
                {
                    continue;
                }

                if (c < 3 && bothTransparent)
                {
                    n++;
                    continue;
                }

                int d = a[i + c] - b[i + c];
                se += d * d;
                n++;
            }
        }

        return se == 0 ? double.PositiveInfinity : 10 * Math.Log10(255.0 * 255.0 * n / se);
    }

    /// <summary>Number of RGBA samples that differ (ignoring colour under full transparency in both).</summary>
    public static int Differences(byte[] a, byte[] b)
    {
        Assert.Equal(a.Length, b.Length);
        int diff = 0;
        for (int i = 0; i < a.Length; i += 4)
        {
            bool bothTransparent = a[i + 3] == 0 && b[i + 3] == 0;
            for (int c = bothTransparent ? 3 : 0; c < 4; c++)
            {
                if (a[i + c] != b[i + c])
                {
                    diff++;
                }
            }
        }

        return diff;
    }
}
