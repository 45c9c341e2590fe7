package main

import (
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Registry errors and the usual typing mistakes come out in human words,
// with the next step.
func TestErrorsInHumanWords(t *testing.T) {
	host := editEnv(t)
	writeImage(t, host+"/library/app:v1", v1.Platform{OS: "linux", Architecture: "amd64"}, true)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"inspect", host + "/library/app:latest"}, "no tag latest in " + host + "/library/app (manifold tags " + host + "/library/app lists them)"},
		{[]string{"inspect", host + "/library/App:v1"}, "repository names must be lowercase"},
		{[]string{"inspect", "http://" + host + "/library/app:v1"}, "drop http://; plain HTTP is"},
		{[]string{"tags", host + "/library/app:v1"}, "give a repository, without :v1: manifold tags " + host + "/library/app"},
		{[]string{"push", host + "/library/app:v1", "--spec", "x.yaml"}, "give LIST or --spec, not both"},
	}
	for _, c := range cases {
		code, _, errs := mf(t, c.args...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("manifold %s: exit %d\n%s\nwant %q", strings.Join(c.args, " "), code, errs, c.want)
		}
	}
	// A repository the registry does not know: it says so.
	code, _, errs := mf(t, "inspect", host+"/library/nope:latest")
	if code == 0 || !(strings.Contains(errs, "no repository "+host+"/library/nope") || strings.Contains(errs, "no tag latest in "+host+"/library/nope")) {
		t.Errorf("missing repository: exit %d\n%s", code, errs)
	}
	t.Logf("missing repository: %s", errs)
}
