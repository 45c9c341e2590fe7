//go:build windows

package model

import (
	"testing"

	"github.com/containerd/platforms"
)

// On Windows, platforms.NewMatcher returns the library's own
// windowsMatchComparer: HostRules' restated Less must rank every pair as it
// does.
func TestWindowsHostRulesAreTheLibrarysComparer(t *testing.T) {
	versions := []string{"", "10.0.17763.5329", "10.0.17763.6000", "10.0.19045.1", "10.0.20348.2113", "10.0.20348.999",
		"10.0.22621.1", "10.0.22631.1", "10.0.25398.1", "10.0.26100.2033", "10.0.26200.1", "6.3.9600"}
	for _, hv := range []string{"10.0.17763", "10.0.20348", "10.0.22621", "10.0.26100", "10.0.26200", ""} {
		host := Platform{OS: "windows", Architecture: "amd64", OSVersion: hv}
		lib, ok := platforms.NewMatcher(host.Spec()).(platforms.MatchComparer)
		if !ok {
			t.Fatal("platforms.NewMatcher on Windows is no longer a MatchComparer: compare with platforms.Default() instead")
		}
		ours := HostRules(host)
		for _, a := range versions {
			for _, b := range versions {
				pa := Platform{OS: "windows", Architecture: "amd64", OSVersion: a}.Spec()
				pb := Platform{OS: "windows", Architecture: "amd64", OSVersion: b}.Spec()
				if lib.Match(pa) != ours.Match(pa) || lib.Less(pa, pb) != ours.Less(pa, pb) {
					t.Errorf("host %q: %q vs %q: library match %v less %v, ours %v %v", hv, a, b, lib.Match(pa), lib.Less(pa, pb), ours.Match(pa), ours.Less(pa, pb))
				}
			}
		}
	}
}
