import Foundation
import Testing
import Shared

/// `--shard K/N` and `s1-filter merge` (the cluster issue): shards partition the input by id alone, and
/// their merged outputs are byte-identical to one unsharded run, timings aside, also after a shard was
/// killed and resumed with --skip-ids.
@Suite struct ShardTests {
    @Test func shardsPartitionTheIdsWhateverTheOrder() {
        let ids = (0..<3000).map { "id-\($0 * 7919)" }
        var counts = [0, 0, 0, 0, 0]
        for id in ids {
            let k = Shard.of(id: id, count: 5)
            #expect((0..<5).filter { Shard(index: $0, count: 5).contains(id: id) } == [k])
            counts[k] += 1
        }
        #expect(counts.allSatisfy { abs($0 - 600) < 120 }, "\(counts)")
        #expect(Shard("2/5") == Shard(index: 2, count: 5) && Shard("5/5") == nil && Shard("-1/3") == nil && Shard("1/0") == nil)
        // The split is a function of the id alone: SHA-256("q1") starts c75de8c1b7c3ae52, which is 241234
        // mod 2^20 (Python's hashlib), on any machine.
        #expect(Shard.of(id: "q1", count: 1 << 20) == 241234)
    }

    static func withoutTimings(_ text: String) -> String {
        text.replacingOccurrences(of: #""seconds":[0-9.e-]+"#, with: "", options: .regularExpression)
    }

    @Test func shardedThinkMergedIsByteIdenticalToOneRunEvenAfterAKilledShardResumes() throws {
        let d = Support.tempDir(), input = d + "/in.jsonl"
        Support.write(input, (1...12).map { #"{"id":"q\#($0)","question":"\#($0)+\#($0)?","answer":"\#(2 * $0)"}"# }.joined(separator: "\n") + "\n")
        let args = ["--model", Support.fixture("engine/tiny-qwen2"), "--max-thinking-tokens", "5", "--max-answer-tokens", "3"]
        let whole = try Support.run("s1-think", args + [input])
        try #require(whole.status == 0, "\(whole.stderr)")
        var files: [String] = []
        for k in 0..<3 {
            let f = d + "/s\(k).jsonl"
            let r = try Support.run("s1-think", args + ["--shard", "\(k)/3", "-o", f, input])
            try #require(r.status == 0, "\(r.stderr)")
            files.append(f)
        }
        // Shard 1 "killed": only its first record and half of the next survive; it resumes into itself.
        let lines = Support.read(files[1]).split(separator: "\n", omittingEmptySubsequences: true)
        try #require(lines.count >= 2)
        Support.write(files[1], lines[0] + "\n" + lines[1].prefix(lines[1].count / 2))
        let resumed = try Support.run("s1-think", args + ["--shard", "1/3", "--skip-ids", files[1], "-o", files[1], input])
        #expect(resumed.status == 0 && resumed.stderr.contains("torn"), "\(resumed.stderr)")
        let merged = try Support.run("s1-filter", ["merge", "--like", input] + files)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(Self.withoutTimings(merged.stdout) == Self.withoutTimings(whole.stdout))
        // A shard left out is an error naming a missing id.
        let partial = try Support.run("s1-filter", ["merge", "--like", input, files[0], files[2]])
        #expect(partial.status == 65 && partial.stderr.contains("is in no shard file"), "\(partial.stderr)")
        // --shard on s1-score and s1-filter splits alike.
        let graded = try Support.run("s1-score", ["--shard", "1/3", files[1]])
        #expect(graded.status == 0 && Support.objects(graded.stdout).count == Support.objects(Support.read(files[1])).count, "\(graded.stderr)")
        let filtered = try Support.run("s1-filter", ["quality", "--allow-no-gold", "--shard", "1/3", input])
        #expect(Support.objects(filtered.stdout).map { $0["id"] as! String } == Support.objects(Support.read(files[1])).map { $0["id"] as! String }, "\(filtered.stderr)")
    }
}
