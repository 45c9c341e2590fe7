// Package version says which manifold this is: the version and commit the
// Makefile sets with -ldflags, or else what the Go build info records (a
// `go install …@v1.2.3` has the module version, a build from a checkout
// has the VCS revision).
package version

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by the Makefile:
//
//	-X github.com/manifold-dev/manifold/internal/version.version=v1.2.3
//	-X github.com/manifold-dev/manifold/internal/version.commit=abc1234
var (
	version = ""
	commit  = ""
)

// Info is what `manifold version` prints.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	Modified  bool   `json:"modified,omitempty"` // built from a checkout with changes
	GoVersion string `json:"goVersion"`
	Platform  string `json:"platform"` // GOOS/GOARCH
}

// Get returns the build's Info.
func Get() Info { return get(version, commit, readBuildInfo) }

var readBuildInfo = debug.ReadBuildInfo

func get(v, c string, read func() (*debug.BuildInfo, bool)) Info {
	info := Info{Version: v, Commit: c, GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi, ok := read(); ok {
		info.GoVersion = bi.GoVersion
		if info.Version == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			info.Version = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				if info.Commit == "" {
					info.Commit = s.Value
				}
			case "vcs.modified":
				info.Modified = s.Value == "true"
			case "GOOS":
				info.Platform = s.Value + info.Platform[strings.IndexByte(info.Platform, '/'):]
			case "GOARCH":
				info.Platform = info.Platform[:strings.IndexByte(info.Platform, '/')+1] + s.Value
			}
		}
	}
	if info.Version == "" {
		info.Version = "devel"
	}
	if len(info.Commit) > 12 {
		info.Commit = info.Commit[:12]
	}
	return info
}

// String is one line: "manifold v1.2.3 (commit abc1234, go1.26.1, linux/amd64)".
func (i Info) String() string {
	c := i.Commit
	if c == "" {
		c = "unknown"
	}
	if i.Modified {
		c += "-dirty"
	}
	return fmt.Sprintf("manifold %s (commit %s, %s, %s)", i.Version, c, i.GoVersion, i.Platform)
}

// UserAgent is the User-Agent of manifold's requests: "manifold/v1.2.3".
func UserAgent() string { return "manifold/" + Get().Version }
