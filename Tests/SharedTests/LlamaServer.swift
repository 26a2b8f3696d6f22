import Foundation
import Testing

/// llama.cpp's `llama-server` (built by `make peers` from the llama-cpp-python==0.3.36 sdist into
/// ~/.cache/s1-swift/peers) serving the default model on a loopback port, one per test so that tests run
/// side by side do not share slots. A watchdog shell kills the server when the test process ends, however
/// it ends. `make test` sets S1_NO_LLAMA_SERVER (the reason) only when the peer build failed; then the
/// tests that need the server say "skipped: no llama-server"; a missing binary without it is a failure.
final class LlamaServer {
    static let peers: String = {
        let env = ProcessInfo.processInfo.environment
        if let p = env["PEERS"], !p.isEmpty { return p }
        let cache = env["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory() + "/.cache"
        return cache + "/s1-swift/peers"
    }()
    static let binary = peers + "/bin/llama-server"
    static let completion = peers + "/bin/llama-completion"

    /// Why the server tests cannot run here, or nil when they can.
    static var unavailable: String? {
        if FileManager.default.isExecutableFile(atPath: binary) && FileManager.default.isExecutableFile(atPath: completion) { return nil }
        return ProcessInfo.processInfo.environment["S1_NO_LLAMA_SERVER"].flatMap { $0.isEmpty ? nil : "skipped: no llama-server (\($0))" }
    }

    let process: Process
    let port: UInt16
    let served: String
    var url: String { "http://127.0.0.1:\(port)" }

    /// Starts a server on `model` with `slots` parallel sequences of `context` tokens each and waits
    /// until /health answers 200.
    init(model: String = Support.smolModel, slots: Int = 1, context: Int = 4096) throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary),
                     "no llama-server at \(Self.binary): `make peers` builds it (set S1_NO_LLAMA_SERVER=reason only where that build is impossible)")
        try #require(FileManager.default.fileExists(atPath: model), "make model")
        port = try LoopbackHTTP.freePort()
        served = model
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.binary)
        p.arguments = ["-m", model, "--host", "127.0.0.1", "--port", "\(port)", "-t", "1", "-np", "\(slots)", "-c", "\(slots * context)", "--no-webui"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        process = p
        // The watchdog: the server goes when this test process does, however that ends.
        let w = Process()
        w.executableURL = URL(fileURLWithPath: "/bin/sh")
        w.arguments = ["-c", #"while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 0.5; done; kill "$2" 2>/dev/null"#,
                       "sh", "\(getpid())", "\(p.processIdentifier)"]
        w.standardOutput = FileHandle.nullDevice
        w.standardError = FileHandle.nullDevice
        try w.run()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if !p.isRunning { break }
            if let (status, _) = Self.get(url + "/health"), status == 200 { return }
            Thread.sleep(forTimeInterval: 0.2)
        }
        kill(p.processIdentifier, SIGKILL)
        throw POSIXError(.ETIMEDOUT)
    }

    deinit { stop() }

    func stop() {
        guard process.isRunning else { return }
        // SIGKILL: llama-server's SIGTERM handler can wait on its slots indefinitely.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// A blocking GET: status and body, or nil when nothing answers.
    static func get(_ url: String) -> (Int, Data)? {
        guard let u = URL(string: url), let port = u.port else { return nil }
        let reply = LoopbackHTTP.roundTrip(port: UInt16(port), Data("GET \(u.path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".utf8))
        guard let text = String(data: reply.prefix(64), encoding: .utf8), text.hasPrefix("HTTP/1."),
              let status = Int(text.split(separator: " ").dropFirst().first ?? "") else { return nil }
        let body = reply.range(of: Data("\r\n\r\n".utf8)).map { reply[$0.upperBound...] } ?? Data()
        return (status, Data(body))
    }
}
