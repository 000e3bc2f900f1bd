using System.Buffers.Binary;
using System.Diagnostics;
using Hit.Imaging.Formats.Png;
using Hit.Imaging.Thumbnails;

namespace Hit.Imaging.Tests;

public sealed class SafetyTests
{
    private static Corpus C => Corpus.Instance;

    [Theory]
    [InlineData("j420.jpg")]
    [InlineData("jprog420.jpg")]
    [InlineData("rgb8.png")]
    [InlineData("rgba8i.png")]
    [InlineData("g.gif")]
    [InlineData("b24.bmp")]
    [InlineData("b8.bmp")]
    public void Truncated_ThrowsImageFormatExceptionNamingTheReason(string name)
    {
        var data = C.Bytes(name);
        foreach (double fraction in new[] { 0.3, 0.6, 0.9 })
        {
            var cut = data.AsSpan(0, (int)(data.Length * fraction)).ToArray();
            var ex = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(cut));
            Assert.Equal(ImageErrorReason.Truncated, ex.Reason);
            Assert.Matches("truncated|ends before", ex.Message);
        }
    }

    [Fact]
    public void UnknownFormat_IsRejected()
    {
        var ex = Assert.Throws<ImageFormatException>(() => Thumbnailer.Generate("hello, this is not an image"u8.ToArray()));
        Assert.Equal(ImageErrorReason.UnknownFormat, ex.Reason);
    }

    [Fact]
    public void PngBomb_HugeHeader_IsRejectedBeforeAllocating()
    {
        var png = PngEncoder.Encode(new PixelBuffer(1, 1, PixelFormat.Rgb24));
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 100_000);
        BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 100_000);
        BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), Crc(png.AsSpan(12, 17)));
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(png));
        Assert.Equal(ImageErrorReason.LimitExceeded, ex.Reason);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void JpegBomb_HugeFrame_IsRejectedBeforeAllocating()
    {
        var data = C.Bytes("j420.jpg");
        int sof = data.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 5), 60000);
        BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(sof + 7), 60000);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var ex = Assert.Throws<ImageFormatException>(() => Thumbnailer.Generate(data));
        Assert.Equal(ImageErrorReason.LimitExceeded, ex.Reason);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1_000_000);
    }

    [Fact]
    public void JpegScanBomb_TooManyScans_IsRejected()
    {
        // Repeat the first scan (its header and entropy data) 200 times before EOI.
        var data = C.Bytes("jprog420.jpg");
        int sos = data.AsSpan().IndexOf([(byte)0xFF, (byte)0xDA]);
        int next = sos + 2;
        while (!(data[next] == 0xFF && data[next + 1] != 0 && data[next + 1] is < 0xD0 or > 0xD7 && next > sos + 2))
        {
            next++;
        }

        var scan = data.AsSpan(sos, next - sos).ToArray();
        var bomb = new List<byte>(data.AsSpan(0, next).ToArray());
        for (int i = 0; i < 200; i++)
        {
            bomb.AddRange(scan);
        }

        bomb.AddRange([0xFF, 0xD9]);
        var ex = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(bomb.ToArray()));
        Assert.Equal(ImageErrorReason.LimitExceeded, ex.Reason);
    }

    [Fact]
    public void ZlibBomb_OnlyTheDeclaredBytesAreInflated()
    {
        // 16×16 gray declared, but the IDAT inflates to 64 MiB of zeros: decoding must stop at 16 rows.
        using var z = new MemoryStream();
        using (var zs = new System.IO.Compression.ZLibStream(z, System.IO.Compression.CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 64; i++)
            {
                zs.Write(zeros);
            }
        }

        var png = BuildPng(16, 16, 0, z.ToArray());
        long before = GC.GetAllocatedBytesForCurrentThread();
        var image = ImageDecoder.Decode(png);
        Assert.Equal((16, 16), (image.Width, image.Height));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 4_000_000);
    }

    [Fact]
    public async Task InputLimit_IsEnforcedForStreams()
    {
        var limits = new ImagingLimits { MaxInputBytes = 1000 };
        using var stream = new ThumbnailerTests.NonSeekableStream(C.Bytes("large.jpg"));
        var ex = await Assert.ThrowsAsync<ImageFormatException>(() => Thumbnailer.GenerateAsync(stream, new ThumbnailOptions { Limits = limits }));
        Assert.Equal(ImageErrorReason.LimitExceeded, ex.Reason);
    }

    [Fact]
    public void CorruptPngCrc_IsDetected()
    {
        var data = C.Bytes("rgb8.png");
        data[40] ^= 0x55;
        var ex = Assert.Throws<ImageFormatException>(() => ImageDecoder.Decode(data));
        Assert.Contains("CRC", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_IsHonoured()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Thumbnailer.Generate(C.Bytes("large.jpg"), cancellationToken: cts.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => Thumbnailer.Generate(C.Bytes("large-alpha.png"), cancellationToken: cts.Token));
    }

    public static TheoryData<string> FuzzSeeds => new() { "j420.jpg", "jprog420.jpg", "jrst.jpg", "jcmyk.jpg", "rgb8.png", "pal4i.png", "rgba16.png", "g.gif", "gi.gif", "b8.bmp", "b4.bmp", "b32a.bmp" };

    /// <summary>
    /// Bounded mutation fuzzing: bit flips, byte overwrites, chunk duplication and truncation of valid
    /// files. Every outcome must be a decoded image or an <see cref="ImageFormatException"/> — never
    /// another exception, a hang, or an allocation beyond the limits.
    /// </summary>
    [Theory]
    [MemberData(nameof(FuzzSeeds))]
    public void Fuzz_MutatedFiles_DecodeOrThrowImageFormatException(string seedFile)
    {
        var original = C.Bytes(seedFile);
        var random = new Random(seedFile.GetHashCode(StringComparison.Ordinal) ^ 12345);
        var limits = new ImagingLimits { MaxPixels = 4_000_000, MaxDimension = 4096 };
        var options = new ThumbnailOptions { Sizes = [ThumbnailSize.Square(24)], Limits = limits };
        int decoded = 0;
        int rejected = 0;
        int runs = FuzzIterations;
        for (int i = 0; i < runs; i++)
        {
            var data = Mutate(original, random);
            var sw = Stopwatch.StartNew();
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                Thumbnailer.Generate(data, options);
                decoded++;
            }
            catch (ImageFormatException)
            {
                rejected++;
            }
            catch (Exception ex)
            {
                File.WriteAllBytes(Path.Combine(C.Directory, $"fuzz-crash-{seedFile}-{i}.bin"), data);
                Assert.Fail($"{seedFile} mutation {i}: {ex.GetType().Name}: {ex.Message}\n{ex.StackTrace}");
            }

            Assert.True(sw.ElapsedMilliseconds < 5000, $"{seedFile} mutation {i} took {sw.ElapsedMilliseconds} ms");
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 200_000_000, $"{seedFile} mutation {i} allocated too much");
        }

        Assert.Equal(runs, decoded + rejected);
        Assert.True(rejected > 0, "no mutation was rejected; the fuzzer is not exercising error paths");
    }

    /// <summary>150 per seed file keeps the suite fast; set HIT_FUZZ_ITERATIONS for a longer local run.</summary>
    private static int FuzzIterations =>
        int.TryParse(Environment.GetEnvironmentVariable("HIT_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : 150;

    private static byte[] Mutate(byte[] original, Random random)
    {
        var data = (byte[])original.Clone();
        switch (random.Next(4))
        {
            case 0:
                for (int n = random.Next(1, 8); n > 0; n--)
                {
                    int p = random.Next(data.Length);
                    data[p] ^= (byte)(1 << random.Next(8));
                }

                return data;
            case 1:
                for (int n = random.Next(1, 4); n > 0; n--)
                {
                    data[random.Next(data.Length)] = (byte)random.Next(256);
                }

                return data;
            case 2:
                {
                    int start = random.Next(data.Length);
                    int len = Math.Min(random.Next(1, 64), data.Length - start);
                    int at = random.Next(data.Length);
                    return [.. data.AsSpan(0, at), .. data.AsSpan(start, len), .. data.AsSpan(at)];
                }

            default:
                return data.AsSpan(0, random.Next(1, data.Length)).ToArray();
        }
    }

    private static byte[] BuildPng(int width, int height, byte colorType, byte[] idat)
    {
        using var ms = new MemoryStream();
        ms.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8;
        ihdr[9] = colorType;
        Chunk(ms, "IHDR"u8, ihdr);
        Chunk(ms, "IDAT"u8, idat);
        Chunk(ms, "IEND"u8, []);
        return ms.ToArray();

        static void Chunk(Stream s, ReadOnlySpan<byte> type, ReadOnlySpan<byte> body)
        {
            var buf = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(buf, body.Length);
            s.Write(buf);
            var typed = new byte[4 + body.Length];
            type.CopyTo(typed);
            body.CopyTo(typed.AsSpan(4));
            s.Write(typed);
            BinaryPrimitives.WriteUInt32BigEndian(buf, Crc(typed));
            s.Write(buf);
        }
    }

    private static uint Crc(ReadOnlySpan<byte> data) => Formats.Png.Crc32.Compute(data);
}
