import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for the endpoint tests: each request (one per connection, the
/// replies say `Connection: close`) goes to a handler that answers it, forwards it to a real server, or
/// misbehaves the ways networks do (drops the connection, cuts the reply short, answers late). It is both
/// the scripted fake server and the fault-injecting proxy in front of llama-server.
final class LoopbackHTTP: @unchecked Sendable {
    struct Request {
        var method: String
        var path: String
        /// The request line and headers.
        var head: String
        var body: Data
        /// The index of this request among all the server received (0-based).
        var index: Int
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
    }

    indirect enum Action {
        case reply(Int, Data)
        /// Send the request on to 127.0.0.1:port and return its reply.
        case forward(port: UInt16)
        /// Close the connection without a reply.
        case drop
        /// Send the first half of `then`'s reply bytes, then close.
        case truncate(Action)
        case delay(Double, Action)

        static func json(_ o: Any, status: Int = 200) -> Action { .reply(status, try! JSONSerialization.data(withJSONObject: o)) }
    }

    let port: UInt16
    private let listener: Int32
    private let handler: (Request) -> Action
    private let lock = NSLock()
    private var count = 0
    private(set) var log: [Request] {
        get { lock.withLock { _log } }
        set { lock.withLock { _log = newValue } }
    }
    private var _log: [Request] = []

    init(_ handler: @escaping (Request) -> Action) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = Self.loopback(port: 0)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 64) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        listener = fd
        port = UInt16(bigEndian: addr.sin_port)
        let t = Thread { [self] in acceptLoop() }
        t.start()
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// A free loopback port (bound and released; another process could take it first, which the tests accept).
    static func freePort() throws -> UInt16 {
        let s = try LoopbackHTTP { _ in .drop }
        let p = s.port
        s.stop()
        return p
    }

    func stop() { shutdown(listener, Int32(SHUT_RDWR)); close(listener) }

    private func acceptLoop() {
        while true {
            let c = accept(listener, nil, nil)
            if c < 0 { return }
            let t = Thread { [self] in serve(c) }
            t.start()
        }
    }

    private func serve(_ c: Int32) {
        defer { close(c) }
        guard let (head, body) = Self.readRequest(c) else { return }
        let first = head.split(separator: "\r\n", maxSplits: 1).first.map(String.init) ?? ""
        let parts = first.split(separator: " ")
        guard parts.count >= 2 else { return }
        let index: Int = lock.withLock { defer { count += 1 }; return count }
        let req = Request(method: String(parts[0]), path: String(parts[1]), head: head, body: body, index: index)
        lock.withLock { _log.append(req) }
        perform(handler(req), req, head: head, on: c)
    }

    private func perform(_ action: Action, _ req: Request, head: String, on c: Int32) {
        switch action {
        case .drop: return
        case .delay(let s, let then): Thread.sleep(forTimeInterval: s); perform(then, req, head: head, on: c)
        case .truncate(let then):
            let bytes = response(then, req, head: head)
            Self.send(c, bytes.prefix(max(1, bytes.count / 2)))
        default: Self.send(c, response(action, req, head: head))
        }
    }

    /// The full reply bytes an action produces.
    private func response(_ action: Action, _ req: Request, head: String) -> Data {
        switch action {
        case .reply(let status, let body):
            var d = Data("HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n".utf8)
            d.append(body)
            return d
        case .forward(let port):
            // The request again, with the connection closed after it so the reply ends at EOF.
            let lines = head.components(separatedBy: "\r\n").filter { !$0.lowercased().hasPrefix("connection:") && !$0.isEmpty }
            var d = Data((lines + ["Connection: close", "", ""]).joined(separator: "\r\n").utf8)
            d.append(req.body)
            return Self.roundTrip(port: port, d)
        case .delay(_, let then), .truncate(let then): return response(then, req, head: head)
        case .drop: return Data()
        }
    }

    static func roundTrip(port: UInt16, _ bytes: Data) -> Data {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = loopback(port: port)
        let ok = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard ok == 0 else { return Data("HTTP/1.1 502 X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".utf8) }
        send(s, bytes)
        var out = Data()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = recv(s, &buf, buf.count, 0)
            if n <= 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// 127.0.0.1:port (0: any free port).
    static func loopback(port: UInt16) -> sockaddr_in {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = port.bigEndian
        return addr
    }

    static func send(_ s: Int32, _ d: Data) {
        d.withUnsafeBytes { (b: UnsafeRawBufferPointer) in
            var off = 0
            while off < b.count {
                let n = Glibc.send(s, b.baseAddress! + off, b.count - off, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                off += n
            }
        }
    }

    /// The header text and the body (by Content-Length) of one request, or nil if the peer went away.
    static func readRequest(_ c: Int32) -> (String, Data)? {
        var data = Data()
        var buf = [UInt8](repeating: 0, count: 65536)
        let sep = Data("\r\n\r\n".utf8)
        var headEnd: Int? = nil
        var need = Int.max
        while data.count < need {
            let n = recv(c, &buf, buf.count, 0)
            if n <= 0 { return nil }
            data.append(contentsOf: buf[0..<n])
            if headEnd == nil, let r = data.range(of: sep) {
                headEnd = r.upperBound
                let head = String(decoding: data[..<r.lowerBound], as: UTF8.self)
                let length = head.components(separatedBy: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                need = r.upperBound + length
            }
        }
        guard let headEnd else { return nil }
        return (String(decoding: data[..<(headEnd - 4)], as: UTF8.self), Data(data[headEnd...]))
    }
}
