/// Bytes of validated JSON text, owned by whoever holds views into them. A class so a view (`JSONRef`) keeps
/// the bytes alive and its pointer stays fixed, which a Swift array does not promise outside a closure.
public final class JSONBuffer {
    public let base: UnsafeMutableRawPointer
    public let count: Int

    /// Allocates `count` bytes and lets `fill` write them.
    public init(count: Int, fill: (UnsafeMutableRawBufferPointer) -> Void) {
        self.count = count
        base = .allocate(byteCount: max(count, 1), alignment: 8)
        fill(UnsafeMutableRawBufferPointer(start: base, count: count))
    }

    public convenience init(copying b: UnsafeRawBufferPointer) {
        self.init(count: b.count) { if b.count > 0 { $0.copyMemory(from: b) } }
    }

    public convenience init(_ bytes: [UInt8]) {
        self.init(count: bytes.count) { dst in bytes.withUnsafeBytes { if $0.count > 0 { dst.copyMemory(from: $0) } } }
    }

    deinit { base.deallocate() }

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    public func bytes(_ start: Int, _ end: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + start, count: end - start)
    }
}
