//go:build !windows

package userdirs

import (
	"path/filepath"
	"testing"
)

// $XDG_DATA_HOME wins when absolute; a relative one is ignored (as the XDG
// spec says) for ~/.local/share.
func TestXDGDataHome(t *testing.T) {
	h := t.TempDir()
	t.Setenv("HOME", h)
	t.Setenv("XDG_DATA_HOME", "/data")
	if d, _ := Data(); d != "/data" {
		t.Fatalf("Data() = %q, want /data", d)
	}
	for _, v := range []string{"", "relative/dir"} {
		t.Setenv("XDG_DATA_HOME", v)
		if d, _ := Data(); d != filepath.Join(h, ".local", "share") {
			t.Fatalf("XDG_DATA_HOME=%q: Data() = %q, want ~/.local/share", v, d)
		}
	}
}
