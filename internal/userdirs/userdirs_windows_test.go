//go:build windows

package userdirs

import (
	"os"
	"strings"
	"testing"
)

// On Windows staged lists live in %AppData% (roaming, beside the config),
// never in %LocalAppData%, where the cache is.
func TestWindowsDataIsAppData(t *testing.T) {
	roaming, local := t.TempDir(), t.TempDir()
	t.Setenv("AppData", roaming)
	t.Setenv("LocalAppData", local)
	if d, err := Data(); err != nil || d != roaming {
		t.Fatalf("Data() = %q, %v, want %%AppData%% %q", d, err, roaming)
	}
	if c, _ := os.UserCacheDir(); c != local {
		t.Fatalf("os.UserCacheDir() = %q, want %%LocalAppData%% %q", c, local)
	}
	// XDG variables mean nothing on Windows.
	t.Setenv("XDG_DATA_HOME", `C:\elsewhere`)
	if d, _ := Data(); d != roaming {
		t.Fatalf("Data() = %q followed XDG_DATA_HOME", d)
	}
	t.Setenv("AppData", "")
	if d, err := Data(); err == nil || !strings.Contains(err.Error(), "AppData") {
		t.Fatalf("Data() without %%AppData%% = %q, %v: want an error naming it", d, err)
	}
}
