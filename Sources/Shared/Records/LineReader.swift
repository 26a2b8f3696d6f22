import Foundation

/// Splits a byte stream into lines without copying: each line is a view into the reader's buffer, valid
/// until the next call. Lines longer than `maxLineBytes` are not buffered; they are reported as oversize
/// (their bytes streamed to `spill` when one is given, so a rejects file still gets them whole).
public final class LineReader {
    public enum Item {
        case line(UnsafeRawBufferPointer)
        case oversize(bytes: Int)
    }

    public let source: ByteSource
    public let maxLineBytes: Int
    public private(set) var lineNumber = 0
    private var buf: UnsafeMutableRawPointer
    private var cap: Int
    private var start = 0, end = 0
    private var eof = false

    public init(_ source: ByteSource, maxLineBytes: Int = 256 << 20, bufferSize: Int = 1 << 20) {
        self.source = source
        self.maxLineBytes = maxLineBytes
        cap = max(bufferSize, 64)
        buf = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 16)
    }

    deinit { buf.deallocate() }

    /// Non-blank lines of files (for a progress total); nil when a path is stdin or cannot be read.
    public static func countRecords(_ paths: [String]) -> Int? {
        guard !paths.isEmpty, !paths.contains("-") else { return nil }
        var n = 0
        for p in paths {
            guard let src = try? InputOpener.open(p) else { return nil }
            let r = LineReader(src, maxLineBytes: Int.max / 4)
            while let item = try? r.next() {
                if case .line(let b) = item, b.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) { n += 1 }
                if case .oversize = item { n += 1 }
            }
        }
        return n
    }

    /// Next line without its "\n" (a "\r" before it stays: a rejects file keeps CRLF lines byte for byte;
    /// `RecordReader` drops it for parsing), or nil at end of stream.
    public func next(spill: ((UnsafeRawBufferPointer) throws -> Void)? = nil) throws -> Item? {
        var scanned = 0  // bytes after `start` already searched for a newline
        while true {
            let from = start + scanned
            if let nl = memchr(buf + from, 0x0A, end - from) {
                let e = buf.distance(to: nl)
                lineNumber += 1
                let s = start
                start = e + 1
                let len = e - s
                let line = UnsafeRawBufferPointer(start: buf + s, count: len)
                if len > maxLineBytes {
                    try spill?(line)
                    return .oversize(bytes: len)
                }
                return .line(line)
            }
            scanned = end - start
            if eof {
                if start == end { return nil }
                lineNumber += 1
                let line = UnsafeRawBufferPointer(start: buf + start, count: end - start)
                start = end
                if line.count > maxLineBytes {
                    try spill?(line)
                    return .oversize(bytes: line.count)
                }
                return .line(line)
            }
            if scanned > maxLineBytes { return try drainOversize(spill: spill) }
            try fill()
        }
    }

    /// Moves pending bytes to the front, grows the buffer when full, reads more.
    private func fill() throws {
        if start > 0 {
            let pending = end - start
            if pending > 0 { memmove(buf, buf + start, pending) }
            end = pending
            start = 0
        }
        if end == cap {
            let ncap = min(cap * 2, maxLineBytes + 2)
            let nb = UnsafeMutableRawPointer.allocate(byteCount: max(ncap, cap + 1), alignment: 16)
            nb.copyMemory(from: buf, byteCount: end)
            buf.deallocate()
            buf = nb
            cap = max(ncap, cap + 1)
        }
        let n = try source.read(into: buf + end, capacity: cap - end)
        if n == 0 { eof = true }
        end += n
    }

    /// Consumes the rest of an over-long line chunk by chunk.
    private func drainOversize(spill: ((UnsafeRawBufferPointer) throws -> Void)?) throws -> Item {
        var total = 0
        lineNumber += 1
        while true {
            if let nl = memchr(buf + start, 0x0A, end - start) {
                let e = buf.distance(to: nl)
                try spill?(UnsafeRawBufferPointer(start: buf + start, count: e - start))
                total += e - start
                start = e + 1
                return .oversize(bytes: total)
            }
            try spill?(UnsafeRawBufferPointer(start: buf + start, count: end - start))
            total += end - start
            start = 0; end = 0
            if eof { return .oversize(bytes: total) }
            let n = try source.read(into: buf, capacity: cap)
            if n == 0 { eof = true }
            end = n
        }
    }
}
