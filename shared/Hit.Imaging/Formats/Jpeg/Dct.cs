using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hit.Imaging.Formats.Jpeg;

/// <summary>
/// Separable DCTs as matrix products. The inverse for an S×S output (S = 8, 4, 2, 1) uses only the
/// S×S lowest frequencies: sampling the band-limited reconstruction at the centre of each
/// (8/S)×(8/S) pixel group, which is what "scaled decoding in the DCT domain" means — the image is
/// never materialised at full resolution.
/// </summary>
internal static class Dct
{
    // Basis[S][x * S + u] = C(u)/2 · cos((2x+1)uπ / 2S), C(0) = 1/√2. Same factor for every S, so the
    // DC term always yields the block mean.
    private static readonly float[][] Basis = [Make(1), Make(2), Make(4), Make(8)];

    // Forward 8×8: the transpose of Basis[8] (the DCT-II matrix is orthonormal).
    private static readonly float[] Forward8 = Transpose(Basis[3]);

    private static float[] Make(int s)
    {
        var m = new float[s * s];
        for (int x = 0; x < s; x++)
        {
            for (int u = 0; u < s; u++)
            {
                double c = u == 0 ? Math.Sqrt(0.5) : 1.0;
                m[(x * s) + u] = (float)(c / 2 * Math.Cos(((2 * x) + 1) * u * Math.PI / (2 * s)));
            }
        }

        return m;
    }

    private static float[] Transpose(float[] m)
    {
        var t = new float[64];
        for (int i = 0; i < 8; i++)
        {
            for (int j = 0; j < 8; j++)
            {
                t[(j * 8) + i] = m[(i * 8) + j];
            }
        }

        return t;
    }

    // Columns of Basis[8] as rows: Columns8[u * 8 + x] = M[x, u], so a row of output is Σ_u t[u] · Columns8[u].
    private static readonly float[] Columns8 = Transpose(Basis[3]);

    private static int BasisIndex(int s) => s switch { 1 => 0, 2 => 1, 4 => 2, _ => 3 };

    /// <summary>
    /// Inverse DCT of a dequantised S×S coefficient block (row-major, row = vertical frequency)
    /// into S×S samples (level-shifted, clamped) written at <paramref name="output"/> with <paramref name="stride"/>.
    /// </summary>
    public static void Inverse(Span<float> coeffs, int s, Span<byte> output, int stride)
    {
        if (s == 8 && Vector256.IsHardwareAccelerated)
        {
            Inverse8Vector(coeffs, output, stride);
            return;
        }

        InverseScalar(coeffs, s, Basis[BasisIndex(s)], output, stride);
    }

    private static void InverseScalar(Span<float> f, int s, float[] m, Span<byte> output, int stride)
    {
        Span<float> tmp = stackalloc float[64];

        // Vertical: tmp[y, u] = Σ_v M[y, v] · F[v, u]
        for (int y = 0; y < s; y++)
        {
            for (int u = 0; u < s; u++)
            {
                float acc = 0;
                for (int v = 0; v < s; v++)
                {
                    acc += m[(y * s) + v] * f[(v * s) + u];
                }

                tmp[(y * s) + u] = acc;
            }
        }

        // Horizontal: out[y, x] = Σ_u tmp[y, u] · M[x, u]
        for (int y = 0; y < s; y++)
        {
            var row = output.Slice(y * stride, s);
            for (int x = 0; x < s; x++)
            {
                float acc = 128.5f;
                for (int u = 0; u < s; u++)
                {
                    acc += tmp[(y * s) + u] * m[(x * s) + u];
                }

                row[x] = ClampToByte(acc);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte ClampToByte(float v) => v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(int)v;

    private static void Inverse8Vector(Span<float> coeffs, Span<byte> output, int stride)
    {
        var m = Basis[3];
        ref float f = ref MemoryMarshal.GetReference(coeffs);
        ref float mb = ref MemoryMarshal.GetArrayDataReference(m);

        // Rows of F as vectors over u.
        var f0 = Vector256.LoadUnsafe(ref f, 0);
        var f1 = Vector256.LoadUnsafe(ref f, 8);
        var f2 = Vector256.LoadUnsafe(ref f, 16);
        var f3 = Vector256.LoadUnsafe(ref f, 24);
        var f4 = Vector256.LoadUnsafe(ref f, 32);
        var f5 = Vector256.LoadUnsafe(ref f, 40);
        var f6 = Vector256.LoadUnsafe(ref f, 48);
        var f7 = Vector256.LoadUnsafe(ref f, 56);

        ref float mt = ref MemoryMarshal.GetArrayDataReference(Columns8);
        var bias = Vector256.Create(128.5f);
        var zero = Vector256<float>.Zero;
        var max = Vector256.Create(255f);
        Span<int> ints = stackalloc int[8];
        for (int y = 0; y < 8; y++)
        {
            int r = y * 8;
            var t = (f0 * Unsafe.Add(ref mb, r)) + (f1 * Unsafe.Add(ref mb, r + 1)) + (f2 * Unsafe.Add(ref mb, r + 2)) + (f3 * Unsafe.Add(ref mb, r + 3))
                  + (f4 * Unsafe.Add(ref mb, r + 4)) + (f5 * Unsafe.Add(ref mb, r + 5)) + (f6 * Unsafe.Add(ref mb, r + 6)) + (f7 * Unsafe.Add(ref mb, r + 7));

            var acc = bias;
            for (int u = 0; u < 8; u++)
            {
                acc += Vector256.LoadUnsafe(ref mt, (nuint)(u * 8)) * t.GetElement(u);
            }

            acc = Vector256.Min(Vector256.Max(acc, zero), max);
            var iv = Vector256.ConvertToInt32(acc);
            iv.CopyTo(ints);
            var row = output.Slice(y * stride, 8);
            for (int x = 0; x < 8; x++)
            {
                row[x] = (byte)ints[x];
            }
        }
    }

    /// <summary>Forward 8×8 DCT of level-shifted samples (row-major) into coefficients (row-major).</summary>
    public static void Forward8x8(ReadOnlySpan<float> samples, Span<float> coeffs)
    {
        var m = Forward8; // m[u * 8 + x] = D[u, x]
        Span<float> tmp = stackalloc float[64];

        // tmp[v, x] = Σ_y D[v, y] · s[y, x]
        for (int v = 0; v < 8; v++)
        {
            for (int x = 0; x < 8; x++)
            {
                float acc = 0;
                for (int y = 0; y < 8; y++)
                {
                    acc += m[(v * 8) + y] * samples[(y * 8) + x];
                }

                tmp[(v * 8) + x] = acc;
            }
        }

        // F[v, u] = Σ_x tmp[v, x] · D[u, x]
        for (int v = 0; v < 8; v++)
        {
            for (int u = 0; u < 8; u++)
            {
                float acc = 0;
                for (int x = 0; x < 8; x++)
                {
                    acc += tmp[(v * 8) + x] * m[(u * 8) + x];
                }

                coeffs[(v * 8) + u] = acc;
            }
        }
    }
}
