// Package userdirs names the per-user directories manifold keeps its files
// in, the way each system expects them:
//
//	            config (os.UserConfigDir)        cache (os.UserCacheDir)   data (Data)
//	Linux, BSD  $XDG_CONFIG_HOME or ~/.config    $XDG_CACHE_HOME or        $XDG_DATA_HOME or
//	                                             ~/.cache                  ~/.local/share
//	macOS       ~/Library/Application Support    ~/Library/Caches          $XDG_DATA_HOME or
//	                                                                       ~/.local/share
//	Windows     %AppData%                        %LocalAppData%            %AppData%
//
// Go has no data directory of its own; on Windows staged lists roam with
// the user's other settings (%AppData%), not in the cache's %LocalAppData%,
// which a cache prune may empty.
//
// The Set functions point a directory at a test's own folder, by the
// variables that system reads, so tests never touch the user's files.
package userdirs

import (
	"os"
	"path/filepath"
)

// Data is the base data directory: manifold's is Data()/manifold.
func Data() (string, error) { return dataHome() }

// Config is manifold's path name under the user config directory
// (os.UserConfigDir()/manifold/name…; the directory itself with no name).
func Config(name ...string) (string, error) { return under(os.UserConfigDir, name) }

// Cache is manifold's path name under the user cache directory
// (os.UserCacheDir()/manifold/name…).
func Cache(name ...string) (string, error) { return under(os.UserCacheDir, name) }

func under(base func() (string, error), name []string) (string, error) {
	dir, err := base()
	if err != nil {
		return "", err
	}
	return filepath.Join(append([]string{dir, "manifold"}, name...)...), nil
}

// Setenver is what the Set functions need of a *testing.T.
type Setenver interface{ Setenv(key, value string) }

// SetConfig makes os.UserConfigDir() return dir (on macOS, which reads only
// $HOME, dir/Library/Application Support) and returns what it now returns.
func SetConfig(t Setenver, dir string) string { return set(t, configEnv, dir) }

// SetCache makes os.UserCacheDir() return dir (on macOS dir/Library/Caches)
// and returns what it now returns.
func SetCache(t Setenver, dir string) string { return set(t, cacheEnv, dir) }

// SetData makes Data() return dir and returns it.
func SetData(t Setenver, dir string) string { return set(t, dataEnv, dir) }

// env is how one directory is chosen on this system: by a variable naming
// it (Under ""), or by $HOME and a path under it.
type env struct {
	Var   string
	Under string
}

func set(t Setenver, e env, dir string) string {
	t.Setenv(e.Var, dir)
	if e.Under == "" {
		return dir
	}
	return filepath.Join(dir, e.Under)
}

// SetHome makes os.UserHomeDir() return dir (HOME; %USERPROFILE% on
// Windows) and returns it.
func SetHome(t Setenver, dir string) string { return set(t, homeEnv, dir) }
