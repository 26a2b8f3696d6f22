import Foundation
import CZstd

/// A stream of bytes: a file descriptor, or a zstd frame sequence decoded from one.
public protocol ByteSource: AnyObject {
    /// Reads up to `capacity` bytes; 0 means end of stream.
    func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int
    var name: String { get }
}

public final class FileSource: ByteSource {
    public let name: String
    private let fd: Int32
    private let owns: Bool
    /// Bytes read ahead to sniff the format, handed out before the descriptor is read again.
    private var pushback: [UInt8] = []

    public init(path: String) throws {
        if path == "-" {
            name = "stdin"; fd = 0; owns = false
        } else {
            name = path
            fd = open(path, O_RDONLY)
            owns = true
            if fd < 0 { throw IOFailure("\(path): cannot open: \(String(cString: strerror(errno)))") }
            var st = stat()
            if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
                close(fd)
                throw IOFailure("\(path): is a directory")
            }
        }
    }

    public init(fd: Int32, name: String) {
        self.fd = fd; self.name = name; owns = false
    }

    deinit { if owns { close(fd) } }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        if !pushback.isEmpty {
            let n = min(capacity, pushback.count)
            pushback.withUnsafeBytes { buffer.copyMemory(from: $0.baseAddress!, byteCount: n) }
            pushback.removeFirst(n)
            return n
        }
        while true {
            let n = Foundation.read(fd, buffer, capacity)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw IOFailure("\(name): read failed: \(String(cString: strerror(errno)))")
        }
    }

    /// The first `count` bytes (fewer at end of file), left in place for the next read.
    public func peek(_ count: Int) throws -> [UInt8] {
        var got: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: count)
        while got.count < count {
            let n = try chunk.withUnsafeMutableBytes { b -> Int in
                while true {
                    let r = Foundation.read(fd, b.baseAddress!, count - got.count)
                    if r >= 0 { return r }
                    if errno == EINTR { continue }
                    throw IOFailure("\(name): read failed: \(String(cString: strerror(errno)))")
                }
            }
            if n == 0 { break }
            got.append(contentsOf: chunk[0..<n])
        }
        pushback = got + pushback
        return got
    }
}

/// Decodes a zstd stream (one or more frames). A stream that ends inside a frame is an error, never a
/// silently short input.
public final class ZstdSource: ByteSource {
    public let name: String
    private let inner: ByteSource
    private let dctx: OpaquePointer
    private var input: [UInt8]
    private var inPos = 0, inEnd = 0
    private var frameOpen = false
    private var eof = false

    public init(_ inner: ByteSource) {
        self.inner = inner
        name = inner.name
        dctx = ZSTD_createDCtx()
        input = [UInt8](repeating: 0, count: ZSTD_DStreamInSize())
    }

    deinit { ZSTD_freeDCtx(dctx) }

    public func read(into buffer: UnsafeMutableRawPointer, capacity: Int) throws -> Int {
        while true {
            if inPos == inEnd && !eof {
                inEnd = try input.withUnsafeMutableBytes { try inner.read(into: $0.baseAddress!, capacity: $0.count) }
                inPos = 0
                if inEnd == 0 { eof = true }
            }
            if inPos == inEnd && eof {
                if frameOpen { throw InputError(name, "truncated zstd stream (the file ends inside a frame)") }
                return 0
            }
            var out = ZSTD_outBuffer(dst: buffer, size: capacity, pos: 0)
            let ret = input.withUnsafeBytes { b -> Int in
                var inb = ZSTD_inBuffer(src: b.baseAddress, size: inEnd, pos: inPos)
                let r = ZSTD_decompressStream(dctx, &out, &inb)
                inPos = inb.pos
                return r
            }
            if ZSTD_isError(ret) != 0 {
                throw InputError(name, "corrupt zstd stream: \(String(cString: ZSTD_getErrorName(ret)))")
            }
            frameOpen = ret != 0
            if out.pos > 0 { return out.pos }
        }
    }
}

public enum InputOpener {
    static let zstdMagic: [UInt8] = [0x28, 0xB5, 0x2F, 0xFD]

    /// A zstd frame's magic, or a skippable frame's (0x184D2A50…5F), which may open a zstd stream.
    static func isZstd(_ m: [UInt8]) -> Bool {
        m == zstdMagic || (m.count == 4 && m[0] & 0xF0 == 0x50 && m[1] == 0x2A && m[2] == 0x4D && m[3] == 0x18)
    }

    /// Opens a path ("-" for stdin); zstd is recognised by its magic bytes, whatever the name.
    public static func open(_ path: String) throws -> ByteSource {
        let f = try FileSource(path: path)
        if isZstd(try f.peek(4)) { return ZstdSource(f) }
        return f
    }

    /// The whole (decompressed) content of a path.
    public static func readAll(_ path: String) throws -> [UInt8] {
        let src = try open(path)
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try src.read(into: $0.baseAddress!, capacity: $0.count) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }
}
