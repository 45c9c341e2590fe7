package version

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestLdflagsWinOverBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{GoVersion: "go1.99", Main: debug.Module{Version: "v0.0.1"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}}
	read := func() (*debug.BuildInfo, bool) { return bi, true }
	got := get("v1.2.3", "abc1234", read)
	if got.Version != "v1.2.3" || got.Commit != "abc1234" || got.GoVersion != "go1.99" || !got.Modified {
		t.Fatalf("%+v", got)
	}
	got = get("", "", read)
	if got.Version != "v0.0.1" || got.Commit != "0123456789ab" {
		t.Fatalf("from build info: %+v", got)
	}
	if s := got.String(); !strings.Contains(s, "manifold v0.0.1 (commit 0123456789ab-dirty, go1.99,") {
		t.Fatalf("String: %q", s)
	}
	bi.Main.Version = "(devel)"
	if got := get("", "", read); got.Version != "devel" {
		t.Fatalf("a checkout build: %+v", got)
	}
	if got := get("", "", func() (*debug.BuildInfo, bool) { return nil, false }); got.Version != "devel" || got.GoVersion == "" {
		t.Fatalf("no build info: %+v", got)
	}
}
