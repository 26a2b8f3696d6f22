import Foundation
import Testing
import Shared

@Suite struct JSONLSpineTests {
    @Test func unchangedRecordsPassThroughByteForByte() throws {
        let d = Support.tempDir()
        let line = #"{"z": 1, "question": "q", "x": 0.1, "big": 1e400, "nested": {"b": [1, 2.50]}, "u": "\u00e9\ud83d\ude00"}"#
        Support.write(d + "/in.jsonl", line.replacingOccurrences(of: "1e400", with: "1.5e300") + "\n")
        let recs = try Support.records(d + "/in.jsonl")
        #expect(recs.count == 1)
        #expect(String(decoding: recs[0].jsonBytes(), as: UTF8.self) == line.replacingOccurrences(of: "1e400", with: "1.5e300"))
    }

    @Test func changedRecordKeepsFieldOrderAndNumberSpelling() throws {
        let d = Support.tempDir()
        Support.write(d + "/in.jsonl", #"{"b": 2, "a": 0.1, "c": "x\n\"y\"", "d": 3.0}"# + "\n")
        let r = try Support.records(d + "/in.jsonl")[0]
        r.set("a", .string("new"))
        r.set("e", .int(5))
        #expect(r.jsonString == #"{"b":2,"a":"new","c":"x\n\"y\"","d":3.0,"e":5}"#)
        let r2 = try Support.records(d + "/in.jsonl")[0]
        r2.set("f", .double(0.1))
        #expect(r2.jsonString.contains(#""a":0.1"#) && r2.jsonString.hasSuffix(#""f":0.1}"#))
    }

    @Test func integersBeyond64BitsAreReadNotRejected() throws {
        let d = Support.tempDir()
        let line = #"{"n": 123456789012345678901234567890}"#
        Support.write(d + "/in.jsonl", line + "\n")
        let r = try Support.records(d + "/in.jsonl")
        #expect(r.count == 1)
        #expect(String(decoding: r[0].jsonBytes(), as: UTF8.self) == line)
    }

    @Test func zstdOutputRoundTripsAndIsDetectedByMagicNotName() throws {
        let d = Support.tempDir()
        let sink = try ByteSink(path: d + "/out.jsonl.zst")
        let w = RecordWriter(sink: sink)
        for i in 0..<5000 { try w.write(Record([("i", .int(i)), ("question", .string("q\(i)"))])) }
        try w.close()
        let bytes = try Data(contentsOf: URL(fileURLWithPath: d + "/out.jsonl.zst"))
        #expect(Array(bytes.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD])
        try FileManager.default.moveItem(atPath: d + "/out.jsonl.zst", toPath: d + "/renamed.jsonl")
        let back = try Support.records(d + "/renamed.jsonl")
        #expect(back.count == 5000)
        #expect(back[4999]["i"]?.int == 4999)
    }

    @Test func truncatedZstdIsAnErrorNamingTheFile() throws {
        let d = Support.tempDir()
        let sink = try ByteSink(path: d + "/a.zst")
        for i in 0..<20000 { try sink.write("{\"i\": \(i), \"pad\": \"\(String(repeating: "x", count: i % 50))\"}\n") }
        try sink.close()
        let full = try Data(contentsOf: URL(fileURLWithPath: d + "/a.zst"))
        try full.prefix(full.count / 2).write(to: URL(fileURLWithPath: d + "/cut.zst"))
        #expect {
            _ = try Support.records(d + "/cut.zst")
        } throws: { e in
            (e as? InputError).map { $0.source.hasSuffix("cut.zst") && $0.message.contains("truncated") } ?? false
        }
    }

    @Test func badLinesStopWithSourceAndLine() throws {
        let d = Support.tempDir()
        let cases: [(String, String)] = [
            ("{\"a\": 1}\nnot json\n", "not valid JSON"),
            ("{\"a\": 1}\n[1, 2]\n", "not a JSON object"),
            ("{\"a\": 1}\n\"just a string\"\n", "not a JSON object"),
            ("{\"a\": 1}\n{\"a\": 1} trailing\n", "not valid JSON"),
        ]
        for (i, (text, want)) in cases.enumerated() {
            Support.write(d + "/bad\(i).jsonl", text)
            #expect {
                _ = try Support.records(d + "/bad\(i).jsonl")
            } throws: { e in
                guard let e = e as? InputError else { return false }
                return e.line == 2 && e.message.contains(want) && e.description.hasPrefix(d + "/bad\(i).jsonl:2:")
            }
        }
    }

    @Test func invalidUTF8IsBadInputOnItsLine() throws {
        let d = Support.tempDir()
        var bytes = Array("{\"a\": \"ok\"}\n{\"a\": \"".utf8)
        bytes += [0xC3, 0x28]
        bytes += Array("\"}\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: d + "/u.jsonl"))
        #expect {
            _ = try Support.records(d + "/u.jsonl")
        } throws: { e in (e as? InputError)?.line == 2 }
    }

    @Test func overlongLineIsRejectedAndSpilledWholeToRejects() throws {
        let d = Support.tempDir()
        let long = "{\"q\": \"" + String(repeating: "y", count: 5000) + "\"}"
        Support.write(d + "/l.jsonl", "{\"q\": 1}\n" + long + "\n{\"q\": 3}\n")
        let strict = RecordReader(paths: [d + "/l.jsonl"], policy: BadLinePolicy(skipBad: false, rejects: nil, tally: Tally(tool: "t")), maxLineBytes: 1000)
        _ = try strict.next()
        #expect { _ = try strict.next() } throws: { e in
            ((e as? InputError)?.message.contains("exceeds")) ?? false && (e as? InputError)?.line == 2
        }
        let tally = Tally(tool: "t")
        let rejects = try ByteSink(path: d + "/rej.jsonl")
        let lenient = RecordReader(paths: [d + "/l.jsonl"], policy: BadLinePolicy(skipBad: true, rejects: rejects, tally: tally), maxLineBytes: 1000)
        var kept: [Int] = []
        while let r = try lenient.next() { kept.append(r["q"]!.int!) }
        try rejects.close()
        #expect(kept == [1, 3])
        #expect(Support.read(d + "/rej.jsonl") == long + "\n")
        #expect(tally.count("bad line") == 1)
    }

    @Test func blankLinesCRLFAndMissingFinalNewline() throws {
        let d = Support.tempDir()
        Support.write(d + "/w.jsonl", "{\"a\": 1}\r\n\n   \n{\"a\": 2}")
        let r = try Support.records(d + "/w.jsonl")
        #expect(r.map { $0["a"]!.int! } == [1, 2])
    }

    @Test func linesSpanningManyBufferRefillsAreWhole() throws {
        let d = Support.tempDir()
        var text = ""
        for i in 0..<300 { text += "{\"i\": \(i), \"s\": \"\(String(repeating: "a", count: (i * 7919) % 9000))\"}\n" }
        Support.write(d + "/m.jsonl", text)
        let src = try InputOpener.open(d + "/m.jsonl")
        let lr = LineReader(src, maxLineBytes: 1 << 20, bufferSize: 4096)
        var n = 0
        while let item = try lr.next() {
            guard case .line(let b) = item else { Issue.record("oversize"); break }
            let s = String(decoding: b, as: UTF8.self)
            #expect(s.hasPrefix("{\"i\": \(n),") && s.hasSuffix("\"}"))
            n += 1
        }
        #expect(n == 300)
    }

    @Test func sha256MatchesKnownVectors() {
        #expect(SHA256.hex("abc".utf8) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256.hex("".utf8) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(String(repeating: "a", count: 1000).utf8) == "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
        #expect(SHA256.recordID("abc") == "ba7816bf8f01cfea")
    }
}
