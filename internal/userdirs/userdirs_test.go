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

// TestManifoldsPaths: Config and Cache name manifold's files under the
// directories Set moved, on every system.
func TestManifoldsPaths(t *testing.T) {
	cfg := SetConfig(t, t.TempDir())
	cache := SetCache(t, t.TempDir())
	for _, c := range []struct {
		got  func(...string) (string, error)
		name []string
		want string
	}{
		{Config, []string{"config.yaml"}, filepath.Join(cfg, "manifold", "config.yaml")},
		{Config, nil, filepath.Join(cfg, "manifold")},
		{Cache, []string{"debug.log"}, filepath.Join(cache, "manifold", "debug.log")},
		{Cache, nil, filepath.Join(cache, "manifold")},
	} {
		if got, err := c.got(c.name...); err != nil || got != c.want {
			t.Errorf("%q: %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}
