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

    /// Appends to `path` in place (s1-think's resume, `--skip-ids F -o F`): the records already there stay,
    /// every flush reaches the file itself, and a torn last line (a run killed mid-write) is cut off first,
    /// with a message. When F is missing but a killed `-o F` run left its temporary file, that file is
    /// adopted as F. zstd files are not appended to (a torn frame cannot be cut at a line).
    public init(appendingTo path: String) throws {
        if path.hasSuffix(".zst") { throw UsageError("\(path): resuming into a .zst output is not supported; write the rest to a new file") }
        name = path; finalPath = nil; tempPath = nil
        if access(path, F_OK) != 0, let orphan = ByteSink.orphans(of: path).last {
            guard rename(orphan, path) == 0 else { throw IOFailure("\(path): cannot adopt \(orphan): \(String(cString: strerror(errno)))") }
            Log.line("\(path): adopted \(orphan), the output of a killed run")
        }
        fd = open(path, O_RDWR | O_CREAT | O_APPEND, 0o644)
        if fd < 0 { throw IOFailure("\(path): cannot open for appending: \(String(cString: strerror(errno)))") }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { Foundation.close(fd); throw IOFailure("\(path): not a regular file") }
        let keep = try ByteSink.endOfLastLine(fd, size: Int(st.st_size), name: path)
        if keep < Int(st.st_size) {
            guard ftruncate(fd, off_t(keep)) == 0 else { Foundation.close(fd); throw IOFailure("\(path): cannot cut the torn last line") }
            Log.line("\(path): cut off a torn last line of \(Int(st.st_size) - keep) bytes (a killed run) before appending")
        }
        buffer.reserveCapacity(flushAt + 4096)
    }

    /// Temporary files `path.tmp-PID` of processes that no longer run, oldest name first.
    static func orphans(of path: String) -> [String] {
        let url = URL(fileURLWithPath: path)
        let dir = url.deletingLastPathComponent().path, base = url.lastPathComponent + ".tmp-"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { n in
            guard n.hasPrefix(base), let pid = Int32(n.dropFirst(base.count)) else { return false }
            return kill(pid, 0) != 0 && errno == ESRCH
        }.sorted().map { dir + "/" + $0 }
    }

    /// The length of the file up to and including its last newline (0 when it has none).
    static func endOfLastLine(_ fd: Int32, size: Int, name: String) throws -> Int {
        var end = size
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while end > 0 {
            let start = max(0, end - chunk.count)
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, end - start, off_t(start)) }
            guard n == end - start else { throw IOFailure("\(name): cannot read its end") }
            if let i = chunk[0..<n].lastIndex(of: 0x0A) { return start + i + 1 }
            end = start
        }
        return 0
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
