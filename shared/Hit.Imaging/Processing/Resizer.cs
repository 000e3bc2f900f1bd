using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Hit.Imaging.Processing;

/// <summary>Resampling kernels.</summary>
public enum ResizeFilter
{
    Lanczos3 = 0,
    Mitchell,
    Box,
    Triangle,
}

/// <summary>
/// Separable resampler. Works in float RGBA (4 lanes, so one pixel is one <see cref="Vector128{T}"/>)
/// with premultiplied alpha so transparent pixels do not bleed colour. The horizontal pass runs per
/// source row into a ring of rows; the vertical pass combines ring rows with <see cref="Vector256{T}"/>,
/// so memory stays at (kernel height × destination width) floats instead of a full intermediate image.
/// </summary>
public static class Resizer
{
    /// <summary>Resizes the source rectangle (fractional, in source pixels) to <paramref name="width"/>×<paramref name="height"/>.</summary>
    public static PixelBuffer Resize(
        PixelBuffer source,
        int width,
        int height,
        ResizeFilter filter = ResizeFilter.Lanczos3,
        RectangleF? sourceRect = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var rect = sourceRect ?? new RectangleF(0, 0, source.Width, source.Height);

        var xWeights = Weights.Compute(source.Width, width, rect.X, rect.Width, filter);
        var yWeights = Weights.Compute(source.Height, height, rect.Y, rect.Height, filter);
        var output = new PixelBuffer(width, height, source.Format);

        int dstRowFloats = width * 4;
        int ringSize = yWeights.MaxTaps + 1;
        var ring = new float[ringSize * dstRowFloats];
        var ringRowOf = new int[ringSize];
        Array.Fill(ringRowOf, -1);
        var srcFloats = new float[(source.Width * 4) + 4];
        var acc = new float[dstRowFloats];
        bool alpha = source.HasAlpha;

        for (int y = 0; y < height; y++)
        {
            if ((y & 31) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            int start = yWeights.Start[y];
            int taps = yWeights.Count[y];
            acc.AsSpan().Clear();
            for (int k = 0; k < taps; k++)
            {
                int sy = start + k;
                int slot = sy % ringSize;
                var ringRow = ring.AsSpan(slot * dstRowFloats, dstRowFloats);
                if (ringRowOf[slot] != sy)
                {
                    ToFloatRow(source, sy, srcFloats, alpha);
                    HorizontalPass(srcFloats, xWeights, ringRow);
                    ringRowOf[slot] = sy;
                }

                AddScaled(acc, ringRow, yWeights.Values[(y * yWeights.MaxTaps) + k]);
            }

            FromFloatRow(acc, output.Row(y), output.Format, alpha);
        }

        return output;
    }

    private static void ToFloatRow(PixelBuffer source, int y, float[] dst, bool alpha)
    {
        var row = source.Row(y);
        int w = source.Width;
        switch (source.Format)
        {
            case PixelFormat.Rgba32 when Vector128.IsHardwareAccelerated:
                {
                    // Premultiply: (r, g, b, a) · (a/255, a/255, a/255, 1), one pixel per vector.
                    ref byte src = ref MemoryMarshal.GetReference(row);
                    ref float d = ref MemoryMarshal.GetArrayDataReference(dst);
                    var inv255 = Vector128.Create(1f / 255f);
                    var keepAlpha = Vector128.Create(0, 0, 0, -1).AsSingle();
                    for (int x = 0; x < w; x++)
                    {
                        uint packed = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, x * 4));
                        var px = Vector128.ConvertToSingle(Vector128.WidenLower(Vector128.WidenLower(Vector128.CreateScalar(packed).AsByte())).AsInt32());
                        if (alpha)
                        {
                            var f = Vector128.Create(px.GetElement(3)) * inv255;
                            f = Vector128.ConditionalSelect(keepAlpha, Vector128<float>.One, f);
                            px *= f;
                        }

                        px.StoreUnsafe(ref d, (nuint)(x * 4));
                    }

                    break;
                }

            case PixelFormat.Rgba32:
                for (int x = 0; x < w; x++)
                {
                    float a = row[(x * 4) + 3];
                    float f = alpha ? a / 255f : 1f;
                    dst[x * 4] = row[x * 4] * f;
                    dst[(x * 4) + 1] = row[(x * 4) + 1] * f;
                    dst[(x * 4) + 2] = row[(x * 4) + 2] * f;
                    dst[(x * 4) + 3] = a;
                }

                break;
            case PixelFormat.Rgb24:
                for (int x = 0; x < w; x++)
                {
                    dst[x * 4] = row[x * 3];
                    dst[(x * 4) + 1] = row[(x * 3) + 1];
                    dst[(x * 4) + 2] = row[(x * 3) + 2];
                    dst[(x * 4) + 3] = 255f;
                }

                break;
            default:
                for (int x = 0; x < w; x++)
                {
                    float g = row[x];
                    dst[x * 4] = g;
                    dst[(x * 4) + 1] = g;
                    dst[(x * 4) + 2] = g;
                    dst[(x * 4) + 3] = 255f;
                }

                break;
        }
    }

    private static void HorizontalPass(float[] src, Weights weights, Span<float> dst)
    {
        ref float s = ref MemoryMarshal.GetArrayDataReference(src);
        ref float wv = ref MemoryMarshal.GetArrayDataReference(weights.Values);
        int maxTaps = weights.MaxTaps;
        for (int x = 0; x < weights.Start.Length; x++)
        {
            int start = weights.Start[x];
            int taps = weights.Count[x];
            var sum = Vector128<float>.Zero;
            ref float pixel = ref Unsafe.Add(ref s, start * 4);
            ref float w = ref Unsafe.Add(ref wv, x * maxTaps);
            for (int k = 0; k < taps; k++)
            {
                sum += Vector128.LoadUnsafe(ref pixel, (nuint)(k * 4)) * Unsafe.Add(ref w, k);
            }

            sum.StoreUnsafe(ref MemoryMarshal.GetReference(dst), (nuint)(x * 4));
        }
    }

    private static void AddScaled(float[] acc, ReadOnlySpan<float> row, float weight)
    {
        int i = 0;
        ref float a = ref MemoryMarshal.GetArrayDataReference(acc);
        ref float r = ref MemoryMarshal.GetReference(row);
        if (Vector256.IsHardwareAccelerated)
        {
            var wv = Vector256.Create(weight);
            for (; i <= acc.Length - 8; i += 8)
            {
                var v = Vector256.LoadUnsafe(ref a, (nuint)i) + (Vector256.LoadUnsafe(ref r, (nuint)i) * wv);
                v.StoreUnsafe(ref a, (nuint)i);
            }
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var wv = Vector128.Create(weight);
            for (; i <= acc.Length - 4; i += 4)
            {
                var v = Vector128.LoadUnsafe(ref a, (nuint)i) + (Vector128.LoadUnsafe(ref r, (nuint)i) * wv);
                v.StoreUnsafe(ref a, (nuint)i);
            }
        }

        for (; i < acc.Length; i++)
        {
            acc[i] += row[i] * weight;
        }
    }

    private static void FromFloatRow(float[] acc, Span<byte> dst, PixelFormat format, bool alpha)
    {
        int w = acc.Length / 4;
        switch (format)
        {
            case PixelFormat.Rgba32:
                for (int x = 0; x < w; x++)
                {
                    float a = acc[(x * 4) + 3];
                    byte ab = ToByte(a);
                    float f = alpha ? (ab == 0 ? 0f : 255f / a) : 1f;
                    dst[x * 4] = ToByte(acc[x * 4] * f);
                    dst[(x * 4) + 1] = ToByte(acc[(x * 4) + 1] * f);
                    dst[(x * 4) + 2] = ToByte(acc[(x * 4) + 2] * f);
                    dst[(x * 4) + 3] = ab;
                }

                break;
            case PixelFormat.Rgb24:
                for (int x = 0; x < w; x++)
                {
                    dst[x * 3] = ToByte(acc[x * 4]);
                    dst[(x * 3) + 1] = ToByte(acc[(x * 4) + 1]);
                    dst[(x * 3) + 2] = ToByte(acc[(x * 4) + 2]);
                }

                break;
            default:
                for (int x = 0; x < w; x++)
                {
                    dst[x] = ToByte(acc[x * 4]);
                }

                break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static byte ToByte(float v)
    {
        v += 0.5f;
        return v <= 0 ? (byte)0 : v >= 255 ? (byte)255 : (byte)(int)v;
    }

    /// <summary>Per-output-pixel taps: first source index, tap count, and normalised weights (MaxTaps per row).</summary>
    private sealed class Weights
    {
        public required int[] Start { get; init; }

        public required int[] Count { get; init; }

        public required float[] Values { get; init; }

        public required int MaxTaps { get; init; }

        public static Weights Compute(int srcSize, int dstSize, float srcOffset, float srcLength, ResizeFilter filter)
        {
            double scale = srcLength / dstSize;
            double filterScale = Math.Max(scale, 1.0);
            double support = Support(filter) * filterScale;
            int maxTaps = Math.Min((int)Math.Ceiling(support) * 2 + 2, srcSize + 1);
            var start = new int[dstSize];
            var count = new int[dstSize];
            var values = new float[dstSize * maxTaps];
            var tmp = new double[maxTaps];
            for (int i = 0; i < dstSize; i++)
            {
                double center = srcOffset + ((i + 0.5) * scale);
                int left = Math.Max((int)Math.Floor(center - support), 0);
                int right = Math.Min((int)Math.Ceiling(center + support), srcSize);
                int n = Math.Min(right - left, maxTaps);
                double sum = 0;
                for (int k = 0; k < n; k++)
                {
                    double wgt = Kernel(filter, (left + k + 0.5 - center) / filterScale);
                    tmp[k] = wgt;
                    sum += wgt;
                }

                // Trim zero-weight taps at both ends (Box, and positions exactly on the support edge).
                int first = 0;
                while (first < n - 1 && tmp[first] == 0)
                {
                    first++;
                }

                int last = n - 1;
                while (last > first && tmp[last] == 0)
                {
                    last--;
                }

                if (sum == 0)
                {
                    // Degenerate (e.g. a box narrower than one pixel): take the nearest pixel.
                    first = last = Math.Clamp((int)center - left, 0, Math.Max(n - 1, 0));
                    tmp[first] = 1;
                    sum = 1;
                }

                start[i] = left + first;
                count[i] = last - first + 1;
                for (int k = first; k <= last; k++)
                {
                    values[(i * maxTaps) + k - first] = (float)(tmp[k] / sum);
                }
            }

            return new Weights { Start = start, Count = count, Values = values, MaxTaps = maxTaps };
        }

        private static double Support(ResizeFilter filter) => filter switch
        {
            ResizeFilter.Lanczos3 => 3,
            ResizeFilter.Mitchell => 2,
            ResizeFilter.Triangle => 1,
            _ => 0.5,
        };

        private static double Kernel(ResizeFilter filter, double x)
        {
            x = Math.Abs(x);
            switch (filter)
            {
                case ResizeFilter.Lanczos3:
                    if (x < 1e-8)
                    {
                        return 1;
                    }

                    if (x >= 3)
                    {
                        return 0;
                    }

                    double px = Math.PI * x;
                    return 3 * Math.Sin(px) * Math.Sin(px / 3) / (px * px);
                case ResizeFilter.Mitchell:
                    const double b = 1.0 / 3, c = 1.0 / 3;
                    if (x < 1)
                    {
                        return (((12 - (9 * b) - (6 * c)) * x * x * x) + ((-18 + (12 * b) + (6 * c)) * x * x) + (6 - (2 * b))) / 6;
                    }

                    if (x < 2)
                    {
                        return (((-b - (6 * c)) * x * x * x) + (((6 * b) + (30 * c)) * x * x) + (((-12 * b) - (48 * c)) * x) + ((8 * b) + (24 * c))) / 6;
                    }

                    return 0;
                case ResizeFilter.Triangle:
                    return x < 1 ? 1 - x : 0;
                default:
                    return x < 0.5 ? 1 : 0;
            }
        }
    }
}

/// <summary>A source rectangle in (fractional) pixels.</summary>
public readonly record struct RectangleF(float X, float Y, float Width, float Height);
