import Foundation
import Testing
import Shared

/// Resumes that cannot lose work, and one input policy for every tool (the reliability issue).
@Suite struct HostileResumeTests {
    /// A pid that is certainly not running: a child that has exited and been reaped.
    static func deadPID() throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/true")
        try p.run()
        p.waitUntilExit()
        return p.processIdentifier
    }

    let recipe = ["--epochs", "2", "--batch-size", "2", "--lr", "1e-3", "--warmup-ratio", "0", "--save-every", "1"]

    func sft(_ extra: [String], out: String) throws -> Support.Run {
        try Support.run("s1-sft", ["--model", Support.fixture("engine/tiny-qwen2"), "--out", out] + recipe + extra
                                  + [Support.fixture("engine/sft-records.jsonl")])
    }

    @Test func aCheckpointKilledBetweenItsRenamesIsRecoveredAndItsLeftoversRemoved() throws {
        let d = Support.tempDir()
        let whole = try sft([], out: d + "/whole")
        try #require(whole.status == 0, "\(whole.stderr)")
        let part = try sft(["--stop-after", "1"], out: d + "/part")
        try #require(part.status == 0, "\(part.stderr)")
        // The kill: the complete new checkpoint sits under its temporary name, the old one under its old
        // name, and DIR itself is gone.
        let dead = try Self.deadPID()
        try FileManager.default.moveItem(atPath: d + "/part", toPath: d + "/part.tmp-\(dead)")
        try FileManager.default.createDirectory(atPath: d + "/part.old-\(dead)", withIntermediateDirectories: false)
        let rest = try sft(["--resume"], out: d + "/part")
        #expect(rest.status == 0 && rest.stderr.contains("recovered the checkpoint of step 1") && rest.stderr.contains("resuming at step 2"), "\(rest.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: d).sorted()
        #expect(left == ["part", "whole"], "\(left)")
        let wantLoss = Support.objects(whole.stdout).last?["loss"] as? Double
        let gotLoss = Support.objects(rest.stdout).last?["loss"] as? Double
        #expect(wantLoss != nil && gotLoss == wantLoss, "\(String(describing: gotLoss)) vs \(String(describing: wantLoss))")
    }

    let think = ["--model", Support.fixture("engine/tiny-qwen2"), "--max-thinking-tokens", "3", "--max-answer-tokens", "2"]

    @Test func resumingIntoTheOutputAppendsCutsATornLineAndAdoptsAKilledRunsFile() throws {
        let d = Support.tempDir(), out = d + "/out.jsonl", input = d + "/in.jsonl"
        Support.write(input, (1...3).map { #"{"id":"q\#($0)","question":"\#($0)+1?"}"# }.joined(separator: "\n") + "\n")
        Support.write(d + "/first.jsonl", #"{"id":"q1","question":"1+1?"}"# + "\n")
        let first = try Support.run("s1-think", think + ["-o", out, d + "/first.jsonl"])
        try #require(first.status == 0, "\(first.stderr)")
        // A torn write at the end: the fragment is cut off, never glued to the next record.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        handle.seekToEndOfFile(); handle.write(Data(#"{"id":"q2","outp"#.utf8)); try handle.close()
        let again = try Support.run("s1-think", think + ["--skip-ids", out, "-o", out, input])
        #expect(again.status == 0 && again.stderr.contains("torn last line"), "\(again.stderr)")
        let ids = try Support.records(out).map { $0.string("id") }
        #expect(ids == ["q1", "q2", "q3"], "\(ids)")
        // A killed `-o` run leaves its records in out.tmp-PID only: resuming into out adopts them.
        let dead = try Self.deadPID()
        try FileManager.default.moveItem(atPath: out, toPath: out + ".tmp-\(dead)")
        let adopt = try Support.run("s1-think", think + ["--skip-ids", out, "-o", out, input])
        #expect(adopt.status == 0 && adopt.stderr.contains("adopted"), "\(adopt.stderr)")
        #expect(try Support.records(out).map { $0.string("id") } == ["q1", "q2", "q3"])
    }

    @Test func reportCountsThatAreNotCountsAreErrorsNotAbsent() throws {
        for bad in ["1e400", "16.5", String(repeating: "9", count: 100), "\"12\"", "-3"] {
            let line = #"{"id":"a","answer":"1","outputs":[{"answer":"1","correct":true,"thinking_tokens":\#(bad)}]}"# + "\n"
            let r = try Support.run("s1-score", ["--report"], stdin: line)
            #expect(r.status == 65 && r.stderr.contains("stdin:1") && r.stderr.contains("thinking_tokens"), "\(bad): \(r.status) \(r.stderr)")
        }
        let budget = #"{"id":"a","answer":"1","outputs":[{"answer":"1","max_thinking_tokens":16.5}]}"# + "\n"
        let g = try Support.run("s1-score", [], stdin: budget)
        #expect(g.status == 65 && g.stderr.contains("max_thinking_tokens"), "\(g.stderr)")
    }

    @Test func everyToolReadsABOMACRLFAndASkippableFrameAlike() throws {
        let d = Support.tempDir()
        let row = #"{"id":"a","question":"1+1?","answer":"2","outputs":[{"answer":"\\boxed{2}"}]}"#
        Support.write(d + "/bom.jsonl", "\u{FEFF}" + row + "\r\n")
        // A skippable frame (magic 0x184D2A50, 4 bytes of payload), then the zstd frame of the rows.
        let z = Process()
        z.executableURL = URL(fileURLWithPath: "/usr/bin/zstd")
        z.arguments = ["-q", "-c", d + "/bom.jsonl"]
        let pipe = Pipe(); z.standardOutput = pipe
        try z.run()
        let frame = pipe.fileHandleForReading.readDataToEndOfFile()
        z.waitUntilExit()
        try (Data([0x50, 0x2A, 0x4D, 0x18, 4, 0, 0, 0, 1, 2, 3, 4]) + frame).write(to: URL(fileURLWithPath: d + "/skip.zst"))
        for file in ["bom.jsonl", "skip.zst"] {
            let score = try Support.run("s1-score", [d + "/" + file])
            #expect(score.status == 0 && score.stdout.contains("\"correct\":true"), "s1-score \(file): \(score.stderr)")
            let filter = try Support.run("s1-filter", ["quality", d + "/" + file])
            #expect(filter.status == 0 && !filter.stderr.contains("bad line"), "s1-filter \(file): \(filter.stderr)")
            let tok = try Support.run("s1-think", ["--tokenize", "--model", Support.fixture("engine/tiny-qwen2"), d + "/" + file])
            let rec = Support.objects(tok.stdout).first
            #expect(tok.status == 0 && rec?["id"] as? String == "a" && rec?["question"] as? String == "1+1?", "s1-think \(file): \(tok.stderr)")
        }
        // Rejects keep CRLF lines byte for byte.
        let bad = "{\"id\":1,\"no question\":true}\r\n"
        let rej = try Support.run("s1-think", ["--tokenize", "--model", Support.fixture("engine/tiny-qwen2"), "--skip-bad", "--rejects", d + "/rej"], stdin: bad + row + "\n")
        #expect(rej.status == 0 && Support.objects(rej.stdout).count == 1, "\(rej.stderr)")
        #expect(Support.read(d + "/rej") == bad + "\n" || Support.read(d + "/rej") == bad, "\(Support.read(d + "/rej").debugDescription)")
    }

    @Test func aMillionDigitAnswerIsNotItsOwnTailAndSaysItWasCut() throws {
        let answer = "The value is 0." + String(repeating: "0", count: 1_000_000) + "1"
        let line = #"{"id":"a","answer":"1","outputs":[{"answer":"\#(answer)"}]}"# + "\n"
        let t0 = Date()
        let r = try Support.run("s1-score", [], stdin: line)
        let o = (Support.objects(r.stdout).first?["outputs"] as? [[String: Any]])?.first
        #expect(r.status == 0 && o?["correct"] as? Bool == false, "\(r.stderr)")
        #expect((o?["judge_note"] as? String)?.contains("only its last") == true, "\(String(describing: o?["judge_note"]))")
        #expect(Date().timeIntervalSince(t0) < 20)
    }
}
