import Foundation
import CZstd

/// Buffered output to a file or stdout; zstd-compressed when the path ends in ".zst". A file is written
/// under a temporary name and renamed on `close()`, so a failed run never leaves a half file that looks whole.
public final class ByteSink {
    public let name: String
    private let fd: Int32
    private let finalPath: String?
    private let tempPath: String?
    private var buffer: [UInt8] = []
    private let flushAt = 1 << 20
    private var cctx: OpaquePointer?
    private var zout: [UInt8] = []
    private var closed = false

    public static func stdout() -> ByteSink { ByteSink(fd: 1, name: "stdout") }

    private init(fd: Int32, name: String) {
        self.fd = fd; self.name = name; finalPath = nil; tempPath = nil
        buffer.reserveCapacity(flushAt + 4096)
    }

    /// "-" means stdout.
    public init(path: String, compress: Bool? = nil) throws {
        if path == "-" {
            fd = 1; name = "stdout"; finalPath = nil; tempPath = nil
        } else {
            name = path
            let tmp = path + ".tmp-\(getpid())"
            fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd < 0 { throw IOFailure("\(path): cannot create: \(String(cString: strerror(errno)))") }
            finalPath = path; tempPath = tmp
        }
        if compress ?? path.hasSuffix(".zst") {
            cctx = ZSTD_createCCtx()
            ZSTD_CCtx_setParameter(cctx, ZSTD_c_compressionLevel, 3)
            zout = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
        }
        buffer.reserveCapacity(flushAt + 4096)
    }

    deinit {
        if !closed, let t = tempPath { Foundation.close(fd); unlink(t) }
    }

    public func write(_ bytes: [UInt8]) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushAt { try flushBuffer(end: false) }
    }

    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= flushAt { try flushBuffer(end: false) }
    }

    public func write(_ s: String) throws { try write(Array(s.utf8)) }

    /// Pushes everything written so far to the file (a zstd sink closes its current block, so a killed
    /// run still leaves every flushed record decodable up to here).
    public func flush() throws { try flushBuffer(end: false, force: true) }

    public func close() throws {
        guard !closed else { return }
        try flushBuffer(end: true, force: true)
        closed = true
        if let c = cctx { ZSTD_freeCCtx(c); cctx = nil }
        if let t = tempPath, let f = finalPath {
            if fsync(fd) != 0 && errno != EINVAL { throw IOFailure("\(f): fsync failed") }
            Foundation.close(fd)
            if rename(t, f) != 0 { throw IOFailure("\(f): rename failed: \(String(cString: strerror(errno)))") }
        }
    }

    private func flushBuffer(end: Bool, force: Bool = false) throws {
        if let c = cctx {
            let mode = end ? ZSTD_e_end : (force ? ZSTD_e_flush : ZSTD_e_continue)
            try buffer.withUnsafeBytes { b in
                var inb = ZSTD_inBuffer(src: b.baseAddress, size: b.count, pos: 0)
                while true {
                    let (rem, produced) = zout.withUnsafeMutableBytes { o -> (Int, Int) in
                        var outb = ZSTD_outBuffer(dst: o.baseAddress, size: o.count, pos: 0)
                        let r = ZSTD_compressStream2(c, &outb, &inb, mode)
                        return (r, outb.pos)
                    }
                    if ZSTD_isError(rem) != 0 {
                        throw IOFailure("\(name): zstd compression failed: \(String(cString: ZSTD_getErrorName(rem)))")
                    }
                    try zout.withUnsafeBytes { try rawWrite(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
                    let done = mode == ZSTD_e_continue ? inb.pos == inb.size : rem == 0
                    if done { break }
                }
            }
        } else {
            try buffer.withUnsafeBytes { try rawWrite($0) }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    private func rawWrite(_ b: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < b.count {
            let n = Foundation.write(fd, b.baseAddress! + off, b.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE { throw IOFailure("\(name): broken pipe") }
                throw IOFailure("\(name): write failed: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }
}
