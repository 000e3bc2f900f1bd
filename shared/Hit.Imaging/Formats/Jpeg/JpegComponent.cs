namespace Hit.Imaging.Formats.Jpeg;

internal sealed class JpegComponent
{
    public int Id { get; init; }

    public int H { get; init; }

    public int V { get; init; }

    public int QuantTable { get; init; }

    public int DcTable { get; set; }

    public int AcTable { get; set; }

    public int Pred { get; set; }

    /// <summary>Blocks that carry image data (ceil(component width / 8)).</summary>
    public int BlocksPerLine { get; set; }

    public int BlocksPerColumn { get; set; }

    /// <summary>Blocks including MCU padding; storage and planes use these.</summary>
    public int BlocksPerLineMcu { get; set; }

    public int BlocksPerColumnMcu { get; set; }

    /// <summary>Progressive only: the kept S×S coefficients of each block.</summary>
    public short[]? Coeffs { get; set; }

    /// <summary>Progressive only: which of all 64 coefficients (zig-zag order) are non-zero, for refinement scans.</summary>
    public ulong[]? Nonzero { get; set; }

    /// <summary>Decoded samples at the scaled size, <see cref="PlaneStride"/> = BlocksPerLineMcu × S.</summary>
    public byte[] Plane { get; set; } = [];

    public int PlaneStride { get; set; }

    /// <summary>Valid samples in the plane (scaled component size); beyond is padding.</summary>
    public int ScaledWidth { get; set; }

    public int ScaledHeight { get; set; }
}
