using System.Security.Cryptography;

namespace Hit.Files.Uploads;

/// <summary>
/// Reads an upload once: replays the already-sniffed head, then the rest of the source, while counting bytes and
/// computing the SHA-256, and throws <see cref="UploadTooLargeException"/> the moment the limit is passed — before the
/// blob is committed, so an oversized upload leaves nothing behind.
/// </summary>
internal sealed class MeteredStream(ReadOnlyMemory<byte> head, Stream source, long maxBytes) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private ReadOnlyMemory<byte> _head = head;

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => BytesRead;
        set => throw new NotSupportedException();
    }

    /// <summary>Lowercase hex SHA-256 of everything read; call once, after the end.</summary>
    public string HashHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        if (!_head.IsEmpty)
        {
            n = Math.Min(buffer.Length, _head.Length);
            _head[..n].CopyTo(buffer);
            _head = _head[n..];
        }
        else
        {
            n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        BytesRead += n;
        if (BytesRead > maxBytes)
        {
            throw new UploadTooLargeException(maxBytes);
        }

        _hash.AppendData(buffer.Span[..n]);
        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>The upload passed <see cref="FilesOptions.MaxUploadBytes"/>.</summary>
internal sealed class UploadTooLargeException(long limit) : Exception($"The upload exceeds the limit of {limit} bytes.")
{
    public long Limit { get; } = limit;

    /// <summary>The Blob SDK may wrap a read failure of the source stream (concurrent block uploads aggregate theirs).</summary>
    public static bool IsCause(Exception? exception) => exception switch
    {
        null => false,
        UploadTooLargeException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsCause),
        _ => IsCause(exception.InnerException),
    };
}
