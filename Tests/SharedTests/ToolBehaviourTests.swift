import Foundation
import Testing
import Shared

/// The bad-input policy and I/O conventions, as a user meets them on the command line.
@Suite struct ToolBehaviourTests {
    static let mixed = "{\"question\": \"a?\", \"answer\": \"1\"}\n{broken\n{\"question\": \"b?\", \"answer\": \"2\"}\n[3]\n"

    @Test func everyRecordToolStopsWith65NamingTheLine() throws {
        for args in [["quality"], ["classify"], ["traces", "--from", "solution"], ["select", "--mode", "random", "--n", "5"],
                     ["diversity", "--n", "5"], ["difficulty", "--drop-if-correct", "x"]] {
            let r = try Support.run("s1-filter", args, stdin: Self.mixed)
            #expect(r.status == 65, "\(args): \(r.status) \(r.stderr)")
            #expect(r.stderr.contains("stdin:2: not valid JSON"), "\(args): \(r.stderr)")
        }
        let f = try Support.run("s1-fetch", [], stdin: Self.mixed)
        #expect(f.status == 65 && f.stderr.contains("stdin:2:"))
    }

    @Test func skipBadWritesRejectedLinesUnchanged() throws {
        let d = Support.tempDir()
        let r = try Support.run("s1-filter", ["quality", "--skip-bad", "--rejects", d + "/rej.jsonl"], stdin: Self.mixed)
        #expect(r.status == 0)
        #expect(Support.objects(r.stdout).count == 2)
        #expect(Support.read(d + "/rej.jsonl") == "{broken\n[3]\n")
        #expect(r.stderr.contains("read 4, written 2, dropped 2 (bad line: 2)"))
        let counted = try Support.run("s1-filter", ["quality", "--skip-bad"], stdin: Self.mixed)
        #expect(counted.status == 0 && counted.stderr.contains("bad line: 2"))
    }

    @Test func rejectsWithoutSkipBadIsAUsageError() throws {
        let r = try Support.run("s1-filter", ["quality", "--rejects", "/tmp/x"], stdin: "")
        #expect(r.status == 64 && r.stderr.contains("--rejects needs --skip-bad"))
    }

    @Test func zstdInAndOutThroughTheTools() throws {
        let d = Support.tempDir()
        let w = try Support.run("s1-fetch", [Support.fixture("formats/champ.jsonl"), Support.fixture("formats/math.jsonl"), "-o", d + "/out.jsonl.zst"])
        #expect(w.status == 0 && w.stdout.isEmpty)
        let raw = try Data(contentsOf: URL(fileURLWithPath: d + "/out.jsonl.zst"))
        #expect(Array(raw.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        let r = try Support.run("s1-filter", ["quality", d + "/out.jsonl.zst"])
        #expect(Support.objects(r.stdout).count == 2)
        // A CSV compressed with zstd is still read as CSV.
        let csv = try Support.run("s1-fetch", [Support.fixture("formats/aime.csv"), "-o", d + "/a.jsonl"])
        #expect(csv.status == 0)
        let zcsv = Process()
        zcsv.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        zcsv.arguments = ["zstd", "-q", "-f", Support.fixture("formats/aime.csv"), "-o", d + "/aime.csv.zst"]
        try zcsv.run(); zcsv.waitUntilExit()
        if zcsv.terminationStatus == 0 {
            let z = try Support.run("s1-fetch", [d + "/aime.csv.zst"])
            #expect(Support.objects(z.stdout).count == 2)
        }
    }

    @Test func truncatedZstdInputStopsTheTool() throws {
        let d = Support.tempDir()
        var text = ""
        for i in 0..<20000 { text += "{\"question\": \"q\(i) \(String(repeating: "z", count: i % 37))\", \"answer\": \"\(i)\"}\n" }
        Support.write(d + "/p.jsonl", text)
        _ = try Support.run("s1-filter", ["quality", d + "/p.jsonl", "-o", d + "/p.jsonl.zst"])
        let full = try Data(contentsOf: URL(fileURLWithPath: d + "/p.jsonl.zst"))
        try full.prefix(full.count * 2 / 3).write(to: URL(fileURLWithPath: d + "/cut.jsonl.zst"))
        let r = try Support.run("s1-filter", ["quality", d + "/cut.jsonl.zst"])
        #expect(r.status == 65)
        #expect(r.stderr.contains("cut.jsonl.zst") && r.stderr.contains("truncated zstd"))
    }

    @Test func unknownFieldsPassThroughInOrder() throws {
        let line = #"{"question": "Keep me?", "answer": "1", "zzz": [1, {"b": 2, "a": 1}], "x": 1.50}"#
        let r = try Support.run("s1-filter", ["quality"], stdin: line + "\n")
        #expect(r.stdout == line + "\n")
        let c = try Support.run("s1-filter", ["classify"], stdin: line + "\n")
        // A changed record keeps every other member's text as written (1.50 stays 1.50).
        #expect(c.stdout.hasPrefix(#"{"question":"Keep me?","answer":"1","zzz":[1, {"b": 2, "a": 1}],"x":1.50,"domain":"#))
    }
}
