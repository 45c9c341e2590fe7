package model

import (
	"strconv"
	"strings"
)

// windowsBuilds names Windows builds (the third part of an os.version) as
// Microsoft's release information does: the Server LTSC releases by their
// image tags, the client and annual-channel releases by version.
var windowsBuilds = map[int]string{
	14393: "ltsc2016",
	16299: "1709",
	17134: "1803",
	17763: "ltsc2019",
	18362: "1903",
	18363: "1909",
	19041: "Windows 10 2004",
	19042: "Windows 10 20H2",
	19043: "Windows 10 21H1",
	19044: "Windows 10 21H2",
	19045: "Windows 10 22H2",
	20348: "ltsc2022",
	22000: "Windows 11 21H2",
	22621: "Windows 11 22H2",
	22631: "Windows 11 23H2",
	25398: "Server 23H2",
	26100: "ltsc2025",
	26200: "Windows 11 25H2",
}

// WindowsBuild returns the build number of a Windows os.version
// ("10.0.26100.2314" → 26100), or 0 when it has no build part.
func WindowsBuild(osVersion string) int {
	parts := strings.SplitN(osVersion, ".", 4)
	if len(parts) < 3 {
		return 0
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// WindowsBuildName names the build of a Windows os.version: "ltsc2022" for
// 10.0.20348.*, "Windows 11 22H2" for 10.0.22621.*, "" when unknown.
func WindowsBuildName(osVersion string) string {
	if !strings.HasPrefix(osVersion, "10.0.") {
		return ""
	}
	return windowsBuilds[WindowsBuild(osVersion)]
}

// windowsLabel is "10.0.20348 (ltsc2022)", or the build alone when it has
// no name.
func windowsLabel(osVersion string) string {
	b := WindowsBuild(osVersion)
	if b == 0 {
		if osVersion == "" {
			return "no os.version"
		}
		return osVersion
	}
	s := strconv.Itoa(b)
	if n := WindowsBuildName(osVersion); n != "" {
		s += " (" + n + ")"
	}
	return s
}
