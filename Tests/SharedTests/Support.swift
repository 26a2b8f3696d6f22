import Foundation
import Shared

/// Helpers shared by the test files: fixture paths, temp dirs, and running the built tools.
enum Support {
    static let fixtures = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!.path

    static func fixture(_ rel: String) -> String { fixtures + "/" + rel }

    /// The project's development data: $S1_DATA_DIR, else ../shared/data next to the checkout (as in CI).
    static let sharedData: String = {
        if let d = ProcessInfo.processInfo.environment["S1_DATA_DIR"], !d.isEmpty { return d }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.deletingLastPathComponent().appendingPathComponent("shared/data").path
    }()

    /// The default model, SmolLM2-135M-Instruct Q4_1 (`make model`): $S1_MODEL, else the checkout's cache.
    static let smolModel: String = {
        if let m = ProcessInfo.processInfo.environment["S1_MODEL"], !m.isEmpty { return m }
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.appendingPathComponent(".cache/models/SmolLM2-135M-Instruct.Q4_1.gguf").path
    }()

    /// Lines of a JSONL fixture as parsed objects.
    static func fixtureObjects(_ rel: String) -> [[String: Any]] { objects(read(fixture(rel))) }

    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "s1test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    static func write(_ path: String, _ text: String) {
        FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    static func read(_ path: String) -> String {
        String(decoding: (try? Data(contentsOf: URL(fileURLWithPath: path))) ?? Data(), as: UTF8.self)
    }

    /// Parsed JSON objects of a JSONL text.
    static func objects(_ text: String) -> [[String: Any]] {
        text.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
    }

    /// Directory holding the built executables (next to the test bundle).
    static let binDir: String = {
        var url = Bundle.module.bundleURL.deletingLastPathComponent()
        if !FileManager.default.fileExists(atPath: url.appendingPathComponent("s1-fetch").path) {
            url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        }
        return url.path
    }()

    struct Run { var status: Int32; var stdout: String; var stderr: String }

    /// Runs a built tool with stdin text; returns status and both outputs.
    static func run(_ tool: String, _ args: [String], stdin: String = "", env: [String: String] = [:]) throws -> Run {
        try exec(binDir + "/" + tool, args, stdin: stdin, env: env)
    }

    /// Runs any program (an absolute path) the same way.
    static func exec(_ path: String, _ args: [String], stdin: String = "", env: [String: String] = [:]) throws -> Run {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        var e = ProcessInfo.processInfo.environment
        for (k, v) in env { e[k] = v }
        p.environment = e
        let inPipe = Pipe(), outPipe = Pipe(), errPipe = Pipe()
        p.standardInput = inPipe; p.standardOutput = outPipe; p.standardError = errPipe
        try p.run()
        let writer = Thread { inPipe.fileHandleForWriting.write(Data(stdin.utf8)); try? inPipe.fileHandleForWriting.close() }
        writer.start()
        final class Box: @unchecked Sendable { var data = Data() }
        let err = Box()
        let done = DispatchSemaphore(value: 0)
        let errReader = Thread { err.data = errPipe.fileHandleForReading.readDataToEndOfFile(); done.signal() }
        errReader.start()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        done.wait()
        return Run(status: p.terminationStatus, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err.data, as: UTF8.self))
    }

    /// Records as sorted-key JSON with the named output fields removed (by default the wall-clock
    /// `seconds`), for comparing runs that must agree on everything else.
    static func stable(_ recs: [[String: Any]], dropping fields: [String] = ["seconds"]) -> [String] {
        recs.map { r in
            var r = r
            r["outputs"] = (r["outputs"] as! [[String: Any]]).map { o in var o = o; for f in fields { o[f] = nil }; return o }
            return String(decoding: try! JSONSerialization.data(withJSONObject: r, options: .sortedKeys), as: UTF8.self)
        }
    }

    /// Records of a file or JSONL text read through the project's own reader.
    static func records(_ path: String) throws -> [Record] {
        let reader = RecordReader(paths: [path], policy: BadLinePolicy(skipBad: false, rejects: nil, tally: Tally(tool: "test")))
        var out: [Record] = []
        while let r = try reader.next() { out.append(r) }
        return out
    }
}
