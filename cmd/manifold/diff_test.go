package main

import (
	"encoding/json"
	"strings"
	"testing"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/static"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/manifold-dev/manifold/model"
)

// goImage is a golang-like image: a base layer per platform, a toolchain
// layer per version, and a config that changes with the version.
type goImage struct {
	plat    v1.Platform
	version string
	env     []string
	cmd     []string
	user    string
	workdir string
	labels  map[string]string
	ports   []string
	history int
}

func (g goImage) build(t *testing.T) (v1.Image, []v1.Layer) {
	t.Helper()
	base := static.NewLayer([]byte("base "+g.plat.OS+"/"+g.plat.Architecture+strings.Repeat("b", 900)), types.OCILayer)
	tool := static.NewLayer([]byte("go"+g.version+" "+g.plat.Architecture+strings.Repeat("g", 300*len(g.version))), types.OCILayer)
	img, err := mutate.AppendLayers(mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON), base, tool)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	cf = cf.DeepCopy()
	cf.OS, cf.Architecture, cf.Variant, cf.OSVersion = g.plat.OS, g.plat.Architecture, g.plat.Variant, g.plat.OSVersion
	cf.Config.Env, cf.Config.Cmd, cf.Config.User, cf.Config.WorkingDir, cf.Config.Labels = g.env, g.cmd, g.user, g.workdir, g.labels
	cf.Config.ExposedPorts = map[string]struct{}{}
	for _, p := range g.ports {
		cf.Config.ExposedPorts[p] = struct{}{}
	}
	for range g.history {
		cf.History = append(cf.History, v1.History{CreatedBy: "RUN step"})
	}
	if img, err = mutate.ConfigFile(img, cf); err != nil {
		t.Fatal(err)
	}
	return img, []v1.Layer{base, tool}
}

// pushGoIndex pushes an index of images, each with an attestation when
// attest names its platform, and returns the image digests by platform.
func pushGoIndex(t *testing.T, ref string, ann map[string]string, attest map[string]bool, images ...goImage) map[string]v1.Image {
	t.Helper()
	idx := mutate.Annotations(mutate.IndexMediaType(empty.Index, types.OCIImageIndex), ann).(v1.ImageIndex)
	out := map[string]v1.Image{}
	for _, g := range images {
		img, _ := g.build(t)
		pl := g.plat
		key := model.Platform{OS: pl.OS, Architecture: pl.Architecture, Variant: pl.Variant, OSVersion: pl.OSVersion}.String()
		out[key] = img
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{Platform: &pl, Annotations: map[string]string{"org.opencontainers.image.version": g.version}}})
		if attest[key] {
			att := fxImage(t, p("unknown", "unknown", "", ""), true)
			att = mutate.ConfigMediaType(att, "application/vnd.in-toto+json")
			up := v1.Platform{OS: "unknown", Architecture: "unknown"}
			idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: att, Descriptor: v1.Descriptor{Platform: &up,
				Annotations: map[string]string{model.AnnotationReferenceType: model.ReferenceTypeAttestation, model.AnnotationReferenceDigest: digestOf(t, img)}}})
		}
	}
	if err := remote.WriteIndex(mustParse(t, ref), idx); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDiffGolangLikeIndexes(t *testing.T) {
	host := readEnv(t)
	amd := p("linux", "amd64", "", "")
	arm64 := p("linux", "arm64", "v8", "")
	old := goImage{plat: amd, version: "1.22", env: []string{"PATH=/usr/local/go/bin", "GOLANG_VERSION=1.22"}, cmd: []string{"bash"},
		workdir: "/go", labels: map[string]string{"maintainer": "a", "gone": "x"}, ports: []string{"8080/tcp"}, history: 5}
	nw := old
	nw.version, nw.env, nw.cmd, nw.user, nw.workdir = "1.23", []string{"PATH=/usr/local/go/bin", "GOLANG_VERSION=1.23", "GOTOOLCHAIN=local"}, []string{"go", "version"}, "gopher", "/src"
	nw.labels, nw.ports, nw.history = map[string]string{"maintainer": "b", "new": "y"}, []string{"9090/tcp"}, 7
	armSame := goImage{plat: arm64, version: "1.22", env: []string{"A=1"}}
	armv7 := goImage{plat: p("linux", "arm", "v7", ""), version: "1.22"}
	i386 := goImage{plat: p("linux", "386", "", ""), version: "1.23"}

	from := pushGoIndex(t, host+"/golang:1.22", map[string]string{"org.opencontainers.image.revision": "aaa"}, map[string]bool{"linux/amd64": true},
		old, armSame, armv7)
	to := pushGoIndex(t, host+"/golang:1.23", map[string]string{"org.opencontainers.image.revision": "bbb", "org.opencontainers.image.url": "u"},
		map[string]bool{"linux/amd64": true, "linux/arm64/v8": true}, nw, armSame, i386)

	out := mustRun(t, "diff", host+"/golang:1.22", host+"/golang:1.23", "-o", "json")
	var d model.RefDiff
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	// The raw JSON has the shape.
	var shape struct {
		From      map[string]string `json:"from"`
		To        map[string]string `json:"to"`
		Platforms []map[string]json.RawMessage
	}
	if err := json.Unmarshal([]byte(out), &shape); err != nil || shape.From["reference"] == "" || shape.To["digest"] == "" {
		t.Fatalf("shape %v %+v", err, shape)
	}
	for _, pl := range shape.Platforms {
		for _, k := range []string{"platform", "change", "layers", "sizeDelta"} {
			if _, ok := pl[k]; !ok {
				t.Errorf("platform entry lacks %q: %v", k, pl)
			}
		}
	}
	if d.From.Reference != host+"/golang:1.22" || d.To.Reference != host+"/golang:1.23" || d.From.Digest == d.To.Digest {
		t.Errorf("sides %+v %+v", d.From, d.To)
	}
	if strings.Join(d.Annotations, ";") != "org.opencontainers.image.revision: aaa → bbb;+org.opencontainers.image.url=u" {
		t.Errorf("index annotations %q", d.Annotations)
	}
	byPlat := map[string]model.PlatformDiff{}
	var order []string
	for _, pd := range d.Platforms {
		byPlat[pd.Platform] = pd
		order = append(order, pd.Platform+" "+pd.Change)
	}
	if strings.Join(order, ", ") != "linux/amd64 changed, linux/arm64/v8 changed, linux/386 added, linux/arm/v7 removed" {
		t.Fatalf("platforms: %s", strings.Join(order, ", "))
	}
	a := byPlat["linux/amd64"]
	if a.From != digestOf(t, from["linux/amd64"]) || a.To != digestOf(t, to["linux/amd64"]) {
		t.Errorf("amd64 digests %s → %s", a.From, a.To)
	}
	_, oldLayers := old.build(t)
	_, newLayers := nw.build(t)
	size := func(l v1.Layer) int64 {
		n, err := l.Size()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	if len(a.Layers.Shared) != 1 || a.Layers.SharedBytes != size(oldLayers[0]) ||
		len(a.Layers.Added) != 1 || a.Layers.AddedBytes != size(newLayers[1]) ||
		len(a.Layers.Removed) != 1 || a.Layers.RemovedBytes != size(oldLayers[1]) {
		t.Errorf("amd64 layers %+v", a.Layers)
	}
	mf := func(img v1.Image) int64 {
		m, err := img.Manifest()
		if err != nil {
			t.Fatal(err)
		}
		n := m.Config.Size
		for _, l := range m.Layers {
			n += l.Size
		}
		return n
	}
	if a.FromSize != mf(from["linux/amd64"]) || a.ToSize != mf(to["linux/amd64"]) || a.SizeDelta != a.ToSize-a.FromSize || a.SizeDelta == 0 {
		t.Errorf("amd64 sizes %d → %d (%d)", a.FromSize, a.ToSize, a.SizeDelta)
	}
	c := a.Config
	if c == nil || c.Env == nil || strings.Join(c.Env.Added, ",") != "GOLANG_VERSION=1.23,GOTOOLCHAIN=local" || strings.Join(c.Env.Removed, ",") != "GOLANG_VERSION=1.22" ||
		c.Cmd == nil || strings.Join(c.Cmd.To, " ") != "go version" || c.User == nil || c.User.To != "gopher" ||
		c.WorkDir == nil || c.WorkDir.From != "/go" || c.WorkDir.To != "/src" ||
		strings.Join(c.Labels, ";") != "-gone;maintainer: a → b;+new=y" ||
		c.ExposedPorts == nil || c.ExposedPorts.Added[0] != "9090/tcp" || c.ExposedPorts.Removed[0] != "8080/tcp" ||
		c.History == nil || c.History.To-c.History.From != 2 || c.Entrypoint != nil {
		t.Errorf("amd64 config %+v", c)
	}
	if strings.Join(a.Annotations, ";") != "descriptor org.opencontainers.image.version: 1.22 → 1.23" {
		t.Errorf("amd64 annotations %q", a.Annotations)
	}
	// arm64: the same image, but an attestation appeared.
	s := byPlat["linux/arm64/v8"]
	if s.From != s.To || s.Attestations != "added" || s.AttestationsTo != 1 || len(s.Layers.Added)+len(s.Layers.Removed) != 0 || s.SizeDelta != 0 || s.Config != nil {
		t.Errorf("arm64 %+v", s)
	}
	if r := byPlat["linux/arm/v7"]; r.To != "" || r.From != digestOf(t, from["linux/arm/v7"]) || r.SizeDelta != -r.FromSize || len(r.Layers.Removed) != 2 {
		t.Errorf("removed %+v", r)
	}
	if ad := byPlat["linux/386"]; ad.From != "" || len(ad.Layers.Added) != 2 || ad.SizeDelta != ad.ToSize {
		t.Errorf("added %+v", ad)
	}

	// The table: both sides in aligned columns.
	table := mustRun(t, "diff", host+"/golang:1.22", host+"/golang:1.23")
	var bars []int
	for _, l := range strings.Split(table, "\n") {
		if i := strings.Index(l, "│"); i >= 0 {
			bars = append(bars, len([]rune(l[:i])))
		}
	}
	for _, b := range bars {
		if b != bars[0] {
			t.Errorf("columns not aligned:\n%s", table)
			break
		}
	}
	for _, want := range []string{"GOTOOLCHAIN=local", `["go", "version"]`, "1 added, 1 removed, 2 changed, 0 the same", "attestations"} {
		if !strings.Contains(table, want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	// Same reference on both sides: nothing changed, --exit-code 0; a
	// change with --exit-code is 1.
	if code, _, _ := runCLI("diff", host+"/golang:1.22", host+"/golang@"+d.From.Digest, "--exit-code"); code != 0 {
		t.Errorf("same: exit %d", code)
	}
	if code, _, _ := runCLI("diff", host+"/golang:1.22", host+"/golang:1.23", "--exit-code"); code != 1 {
		t.Errorf("differ: exit %d", code)
	}
	// A side that does not exist is an error naming it.
	if code, _, errs := runCLI("diff", host+"/golang:1.22", host+"/golang:nope"); code != 1 || !strings.Contains(errs, "golang:nope") {
		t.Errorf("missing side: exit %d %q", code, errs)
	}

	// A staged list as a side: start one from 1.22 with the 386 image added.
	mustRun(t, "create", host+"/golang:1.22", host+"/golang:1.22", host+"/golang@"+digestOf(t, to["linux/386"]), "--amend")
	out = mustRun(t, "diff", host+"/golang:1.22", "staged:"+host+"/golang:1.22", "-o", "json")
	var sd model.RefDiff
	if err := json.Unmarshal([]byte(out), &sd); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, pd := range sd.Platforms {
		got = append(got, pd.Platform+" "+pd.Change)
	}
	if sd.To.Reference != "staged:"+host+"/golang:1.22" || !strings.Contains(strings.Join(got, ","), "linux/386 added") {
		t.Errorf("staged side: %s %v", sd.To.Reference, got)
	}
}
