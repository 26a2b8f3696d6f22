import Foundation
import Testing
import Shared

/// s1-fetch against real HTTP servers on loopback: downloads enter the cache only whole.
@Suite(.serialized) struct FetchNetworkTests {
    final class Server {
        let process = Process()
        let port: Int

        init(mode: String, dir: String) throws {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", Support.fixture("http/serve.py"), mode, dir]
            let out = Pipe()
            process.standardOutput = out
            try process.run()
            var line = Data()
            while true {
                let b = out.fileHandleForReading.readData(ofLength: 1)
                if b.isEmpty || b == Data([0x0A]) { break }
                line.append(b)
            }
            port = Int(String(decoding: line, as: UTF8.self)) ?? 0
        }

        // SIGKILL: the test runner's ignored/blocked SIGTERM is inherited across exec, so terminate() alone
        // left each server alive until its own 120 s timer.
        deinit { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() }
    }

    func cacheFiles(_ cache: String) -> [String] {
        ((try? FileManager.default.subpathsOfDirectory(atPath: cache)) ?? []).filter { !$0.hasSuffix("/") }
    }

    @Test func urlSourcesAreDownloadedOnceAndCached() throws {
        let cache = Support.tempDir()
        let server = try Server(mode: "ok", dir: Support.fixtures + "/formats")
        try #require(server.port > 0)
        let url = "http://127.0.0.1:\(server.port)/math500.jsonl"
        let env = ["XDG_CACHE_HOME": cache]
        let first = try Support.run("s1-fetch", [url], env: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(Support.objects(first.stdout).first?["answer"] as? String == "\\frac{5}{6}")
        let files = cacheFiles(cache + "/s1")
        #expect(files.count == 1 && files[0].hasSuffix("math500.jsonl"))
        // Offline, the cached copy serves; a URL never fetched is refused by name.
        let offline = try Support.run("s1-fetch", ["--offline", url], env: env)
        #expect(offline.status == 0 && offline.stdout == first.stdout)
        let missing = try Support.run("s1-fetch", ["--offline", "http://127.0.0.1:\(server.port)/champ.jsonl"], env: env)
        #expect(missing.status != 0 && missing.stderr.contains("--offline"))
    }

    @Test func aServerDyingMidTransferLeavesNothingInTheCache() throws {
        let cache = Support.tempDir()
        let big = Support.tempDir()
        var text = ""
        for i in 0..<4000 { text += #"{"problem": "Question number \#(i)?", "answer": "\#(i)"}"# + "\n" }
        Support.write(big + "/big.jsonl", text)
        let server = try Server(mode: "die", dir: big)
        try #require(server.port > 0)
        let r = try Support.run("s1-fetch", ["http://127.0.0.1:\(server.port)/big.jsonl"], env: ["XDG_CACHE_HOME": cache])
        #expect(r.status != 0)
        #expect(r.stdout.isEmpty, "no record may come out of a partial download")
        #expect(r.stderr.contains("127.0.0.1"))
        #expect(cacheFiles(cache + "/s1").isEmpty, "cache holds: \(cacheFiles(cache + "/s1"))")
    }

    @Test func httpErrorsAreReportedNotCached() throws {
        let cache = Support.tempDir()
        let server = try Server(mode: "ok", dir: Support.fixtures + "/formats")
        let r = try Support.run("s1-fetch", ["http://127.0.0.1:\(server.port)/nope.jsonl"], env: ["XDG_CACHE_HOME": cache])
        #expect(r.status == 74 && r.stderr.contains("HTTP 404"))
        #expect(cacheFiles(cache + "/s1").isEmpty)
    }
}
