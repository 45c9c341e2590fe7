package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"
	"testing"

	"github.com/manifold-dev/manifold/model"
)

// history lists each digest a tag was seen at, newest first, and watch
// prints the diff when the tag moves under it.
func TestHistoryAndWatchWithATagMoved(t *testing.T) {
	host := readEnv(t)
	ref := host + "/moving:latest"
	if out := mustRun(t, "history", ref); !strings.Contains(out, "no history") {
		t.Errorf("empty history: %q", out)
	}
	v1 := pushIndex(t, ref, false, nil, img(p("linux", "amd64", "", "")))
	mustRun(t, "inspect", ref)
	v2 := pushIndex(t, ref, false, nil, img(p("linux", "amd64", "", "")), img(p("linux", "arm64", "", "")))
	mustRun(t, "platforms", ref)
	mustRun(t, "platforms", ref) // the same digest again: no new entry
	var h historyJSON
	if err := json.Unmarshal([]byte(mustRun(t, "history", ref, "-o", "json")), &h); err != nil {
		t.Fatal(err)
	}
	if h.Reference != ref || len(h.Seen) != 2 || h.Seen[0].Digest != v2.digest || h.Seen[1].Digest != v1.digest || h.Seen[0].First.Before(h.Seen[1].First) {
		t.Fatalf("history %+v", h)
	}
	if out := mustRun(t, "history", ref); !strings.Contains(out, v2.digest) || strings.Index(out, v2.digest) > strings.Index(out, v1.digest) {
		t.Errorf("history table, newest first:\n%s", out)
	}
	if code, _, errs := runCLI("history", host+"/moving@"+v1.digest); code != 1 || !strings.Contains(errs, "tags") {
		t.Errorf("history of a digest: %d %q", code, errs)
	}

	// watch: wait until it has read the tag, move the tag, wait for it to end.
	stderrR, stderrW := io.Pipe()
	var stdout bytes.Buffer
	done := make(chan int, 1)
	go func(w *io.PipeWriter) {
		done <- run([]string{"watch", ref, "--every", "20ms", "--exit-after", "1"}, &stdout, w)
		w.Close()
	}(stderrW)
	lines := bufio.NewScanner(stderrR)
	if !lines.Scan() || !strings.Contains(lines.Text(), "watching "+ref) || !strings.Contains(lines.Text(), v2.digest) {
		t.Fatalf("watch did not start: %q", lines.Text())
	}
	go func(r io.Reader) { _, _ = io.Copy(io.Discard, r) }(stderrR)
	v3 := pushIndex(t, ref, false, nil, img(p("linux", "arm64", "", "")), img(p("linux", "s390x", "", "")))
	if code := <-done; code != 0 {
		t.Fatalf("watch exit %d\n%s", code, stdout.String())
	}
	out := stdout.String()
	for _, want := range []string{"moved: " + v2.digest + " → " + v3.digest, "linux/s390x", "linux/amd64", "1 added, 1 removed"} {
		if !strings.Contains(out, want) {
			t.Errorf("watch output lacks %q:\n%s", want, out)
		}
	}
	// The watch recorded the new digest.
	if err := json.Unmarshal([]byte(mustRun(t, "history", ref, "-o", "json")), &h); err != nil || len(h.Seen) != 3 || h.Seen[0].Digest != v3.digest {
		t.Errorf("history after watch: %v %+v", err, h)
	}

	// -o json: one object a line, with the diff.
	jsonR, jsonW := io.Pipe()
	stdout.Reset()
	go func() {
		done <- run([]string{"watch", ref, "--every", "20ms", "--exit-after", "1", "-o", "json"}, &stdout, jsonW)
		jsonW.Close()
	}()
	lines = bufio.NewScanner(jsonR)
	if !lines.Scan() {
		t.Fatal("watch -o json did not start")
	}
	go func() { _, _ = io.Copy(io.Discard, jsonR) }()
	v4 := pushIndex(t, ref, false, nil, img(p("linux", "riscv64", "", "")))
	if code := <-done; code != 0 {
		t.Fatalf("watch -o json exit %d", code)
	}
	var m moveJSON
	if err := json.Unmarshal(bytes.TrimSpace(stdout.Bytes()), &m); err != nil || m.From != v3.digest || m.To != v4.digest || m.Diff == nil || len(m.Diff.Platforms) != 3 {
		t.Errorf("watch json %v %+v", err, m)
	}
	for _, pd := range m.Diff.Platforms {
		if pd.Platform == "linux/riscv64" && pd.Change != model.PlatformAdded {
			t.Errorf("riscv64 %s", pd.Change)
		}
	}
	if code, _, errs := runCLI("watch", ref, "--every", "0s"); code != 1 || !strings.Contains(errs, "--every") {
		t.Errorf("--every 0: %d %q", code, errs)
	}
}
