package userdirs

import (
	"os"
	"path/filepath"
	"testing"
)

// Each Set function moves the directory the standard library (or Data)
// reports, on the system the test runs on.
func TestSetMovesEachDirectory(t *testing.T) {
	// One at a time: on Windows config and data are both %AppData%.
	for _, d := range []struct {
		name string
		set  func(Setenver, string) string
		get  func() (string, error)
	}{
		{"config", SetConfig, os.UserConfigDir},
		{"cache", SetCache, os.UserCacheDir},
		{"data", SetData, Data},
		{"home", SetHome, os.UserHomeDir},
	} {
		want := d.set(t, t.TempDir())
		if got, err := d.get(); err != nil || got != want {
			t.Errorf("%s: the directory is %q, %v; Set said %q", d.name, got, err, want)
		}
		if !filepath.IsAbs(want) {
			t.Errorf("%s: %q is not absolute", d.name, want)
		}
	}
}
