package ui

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/components/copymenu"
	"github.com/manifold-dev/manifold/ui/internal/uitest"
	"github.com/manifold-dev/manifold/ui/pages/login"
	"github.com/manifold-dev/manifold/ui/pages/raw"
	"github.com/manifold-dev/manifold/ui/pages/repos"
	"github.com/manifold-dev/manifold/ui/pages/resolve"
	"github.com/manifold-dev/manifold/ui/pages/tags"
	"github.com/manifold-dev/manifold/ui/pages/tree"
)

func TestBrowseRegistryToTree(t *testing.T) {
	f := uitest.NewFake()
	f.Repos = append(f.Repos, "app")
	hs := newHarness(t, f, "localhost:5000", 100, 30)
	if !strings.Contains(hs.screen(), "6 repositories") {
		t.Fatalf("repositories not listed:\n%s", hs.screen())
	}
	hs.keys("/")
	hs.typeText("app")
	if got := hs.m.top().(*repos.Model).List().Selected(); got != "app" {
		t.Fatalf("filter 'app' selected %q, want the exact match app first", got)
	}
	hs.keys("enter") // leave the filter field
	hs.keys("enter") // open the repository
	tp, ok := hs.m.top().(*tags.Model)
	var repo string
	if ok {
		_, repo = tp.Where()
	}
	if !ok || repo != "localhost:5000/app" {
		t.Fatalf("top page is %T, want the tags of localhost:5000/app", hs.m.top())
	}
	if tp.List().Len() != 6 {
		t.Fatalf("tags loaded: %d, want 6", tp.List().Len())
	}
	// By name: 1.0 is first.
	if got := tp.List().Selected(); got != "1.0" {
		t.Fatalf("first tag by name = %q, want 1.0", got)
	}
	hs.keys("enter")
	tr, ok := hs.m.top().(*tree.Model)
	if !ok || tr.Tree() == nil {
		t.Fatalf("tree not opened: %T", hs.m.top())
	}
	if !strings.Contains(hs.screen(), "linux/arm/v7") {
		t.Fatalf("tree does not show its platforms:\n%s", hs.screen())
	}
	if got := hs.m.breadcrumbText(); got != "localhost:5000 › app › 1.0" {
		t.Errorf("breadcrumb %q", got)
	}
	hs.keys("esc", "esc")
	if _, ok := hs.m.top().(*repos.Model); !ok {
		t.Fatalf("esc esc should be back at the repositories, at %T", hs.m.top())
	}
	if hs.Quit {
		t.Fatal("esc quit the program")
	}
}

func TestTagSortSemver(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", 80, 24)
	tp := hs.m.top().(*tags.Model)
	hs.keys("s")
	var got []string
	for i := 0; i < tp.List().Shown(); i++ {
		got = append(got, tp.List().ShownName(i))
	}
	want := "2.0.0 2.0.0-rc.1 1.10 1.9 1.0 latest"
	if strings.Join(got, " ") != want {
		t.Fatalf("semver order %v, want %s", got, want)
	}
	hs.keys("s")
	if tp.List().ShownName(0) != "1.0" {
		t.Fatalf("name order starts with %q", tp.List().ShownName(0))
	}
}

func TestSemverLess(t *testing.T) {
	cases := []struct {
		a, b string
		less bool
	}{
		{"1.10", "1.9", true}, {"v2", "1.99", true}, {"1.2.0", "1.2.0-rc.1", true},
		{"1.2.0-rc.1", "1.2.0", false}, {"1.0", "latest", true}, {"latest", "main", true},
		{"3.20-alpine", "3.20", false},
	}
	for _, c := range cases {
		if got := model.VersionLess(c.a, c.b); got != c.less {
			t.Errorf("VersionLess(%q, %q) = %v", c.a, c.b, got)
		}
	}
}

func TestClassify(t *testing.T) {
	cases := map[string]Kind{
		"":                         KindNone,
		"localhost:5000":           KindRegistry,
		"localhost":                KindRegistry,
		"ghcr.io":                  KindRegistry,
		"127.0.0.1:5000":           KindRegistry,
		"golang":                   KindRepository,
		"library/golang":           KindRepository,
		"localhost:5000/app":       KindRepository,
		"golang:1.23":              KindReference,
		"ghcr.io/o/r:v1":           KindReference,
		"localhost:5000/app:1":     KindReference,
		"app@sha256:" + hex64('a'): KindReference,
	}
	for in, want := range cases {
		if got := Classify(in); got != want {
			t.Errorf("Classify(%q) = %v, want %v", in, got, want)
		}
	}
}

func hex64(c byte) string { return strings.Repeat(string(c), 64) }

func TestTreeExpandCollapseAndDetails(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", 140, 40)
	tr := hs.m.top().(*tree.Model)
	n0 := len(tr.Rows())
	hs.keys("down", "down") // annotation, then linux/amd64
	if tr.Selected().Entry == nil || tr.Selected().Entry.Platform.String() != "linux/amd64" {
		t.Fatalf("cursor on %+v", tr.Selected())
	}
	hs.keys("l")
	if len(tr.Rows()) != n0+2 { // manifest + attestation
		t.Fatalf("expanding linux/amd64 gave %d rows, want %d", len(tr.Rows()), n0+2)
	}
	hs.keys("down", "right") // expand the manifest: config + 2 layers
	if len(tr.Rows()) != n0+5 {
		t.Fatalf("expanding the manifest gave %d rows, want %d", len(tr.Rows()), n0+5)
	}
	screen := hs.screen()
	for _, want := range []string{"config", "layer 1", "layer 2", "attestation", "✗ missing (404)", "⚠ index says linux/arm64/v8"} {
		if !strings.Contains(screen, want) {
			t.Errorf("tree lacks %q:\n%s", want, screen)
		}
	}
	// The side pane shows the selected manifest's full digest.
	if d := tr.Selected().Desc.Digest; !strings.Contains(screen, d[:40]) {
		t.Errorf("details pane lacks the digest %s:\n%s", d, screen)
	}
	hs.keys("h") // collapse the manifest
	if len(tr.Rows()) != n0+2 {
		t.Fatalf("collapse gave %d rows", len(tr.Rows()))
	}
	hs.keys("h") // on a collapsed node: go to its parent
	if tr.Selected().Entry == nil || tr.Selected().Entry.Platform.String() != "linux/amd64" {
		t.Fatalf("h on a collapsed node should go to the parent entry, at %+v", tr.Selected())
	}
	hs.keys("space")
	if len(tr.Rows()) != n0 {
		t.Fatalf("space should collapse the entry: %d rows", len(tr.Rows()))
	}
	// Narrow terminal: the side pane goes away.
	hs.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	if tr.TreeWidth() != 60 {
		t.Fatalf("side pane still shown at 60 columns")
	}
}

// TestCopyMenu: y opens the copy menu; a number copies that line (OSC 52)
// and goes back: digest, repo@digest, repo:tag, a docker pull line and a
// FROM line; on a platform entry the platform and FROM --platform too; a
// layer offers its digest only.
func TestCopyMenu(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", 80, 24)
	tr := hs.m.top().(*tree.Model)
	d := tr.Tree().Digest
	for i, want := range []string{
		d,
		"localhost:5000/app@" + d,
		"localhost:5000/app:1.0",
		"docker pull localhost:5000/app@" + d,
		"FROM localhost:5000/app:1.0@" + d,
	} {
		k := fmt.Sprint(i + 1)
		hs.keys("y")
		if _, ok := hs.m.top().(*copymenu.Model); !ok {
			t.Fatalf("y did not open the copy menu: %T", hs.m.top())
		}
		hs.keys(k)
		if hs.Clipboard != want {
			t.Errorf("y %s copied %q, want %q", k, hs.Clipboard, want)
		}
		if hs.m.top() != common.Page(tr) {
			t.Fatalf("the menu stayed open after %s", k)
		}
	}
	if !strings.Contains(hs.screen(), "Copied FROM localhost:5000/app:1") {
		t.Fatalf("no status after copy:\n%s", hs.screen())
	}
	// A platform entry: its platform, and FROM --platform.
	for i := 0; i < 10 && (tr.Selected().Entry == nil || tr.Selected().Entry.Platform == nil); i++ {
		hs.keys("down")
	}
	e := tr.Selected().Entry
	hs.keys("y")
	var values []string
	for _, it := range hs.m.top().(*copymenu.Model).Items() {
		values = append(values, it.Value)
	}
	got := strings.Join(values, "\n")
	for _, want := range []string{e.Platform.String(), "FROM --platform=" + e.Platform.String() + " localhost:5000/app:1.0@" + e.Digest} {
		if !strings.Contains(got, want) {
			t.Errorf("menu lacks %q:\n%s", want, got)
		}
	}
	if scr := hs.screen(); !strings.Contains(scr, "FROM line") || !strings.Contains(scr, "docker pull") {
		t.Errorf("menu screen:\n%s", scr)
	}
	hs.keys("esc")
	// A layer copies its digest only.
	hs.keys("l", "down", "l", "down", "down")
	for i := 0; i < 10 && tr.Selected().Kind != tree.NodeLayer; i++ {
		hs.keys("down")
	}
	if tr.Selected().Kind != tree.NodeLayer {
		t.Fatalf("cursor on %v, want a layer", tr.Selected().Kind)
	}
	hs.keys("y", "enter")
	if hs.Clipboard != tr.Selected().Desc.Digest {
		t.Fatalf("clipboard %q, want the layer digest", hs.Clipboard)
	}
}

func TestQuitIsGuardedWhileTyping(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000", 80, 24)
	hs.keys("/")
	hs.typeText("q")
	if hs.Quit {
		t.Fatal("q quit while the filter had focus")
	}
	if got := hs.m.top().(*repos.Model).List().Pattern(); got != "q" {
		t.Fatalf("q should be typed into the filter, pattern %q", got)
	}
	hs.keys("esc") // leaves the field and clears it
	if hs.Quit || hs.m.top().(*repos.Model).List().Pattern() != "" {
		t.Fatal("esc should clear the filter, not quit")
	}
	// The goto field guards q as well.
	hs.keys(":")
	hs.typeText("q")
	if hs.Quit {
		t.Fatal("q quit while the goto field had focus")
	}
	hs.keys("esc", "q")
	if !hs.Quit {
		t.Fatal("q did not quit")
	}
}

func TestEscClearsFilterBeforeGoingBack(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000", 80, 24)
	hs.keys("enter") // acme/cli (sorted first)
	if _, ok := hs.m.top().(*tags.Model); !ok {
		t.Fatalf("at %T", hs.m.top())
	}
	hs.keys("esc")
	rp := hs.m.top().(*repos.Model)
	hs.keys("/")
	hs.typeText("lib")
	hs.keys("enter")
	if rp.List().Shown() != 2 {
		t.Fatalf("filter lib shows %d", rp.List().Shown())
	}
	hs.keys("esc")
	if rp.List().Shown() != 5 || hs.m.top() != common.Page(rp) {
		t.Fatalf("esc should clear the filter first (shown %d)", rp.List().Shown())
	}
}

func TestLateResultsAreDroppedAndLeavingCancels(t *testing.T) {
	f := uitest.NewFake()
	f.Block = make(chan struct{})
	hs := newHarness(t, f, "localhost:5000/app", 80, 24)
	tags := hs.m.top().(*tags.Model)
	// Open a tree whose fetch hangs, then leave it.
	tr := tree.New(hs.m.c, "localhost:5000/app:1.0")
	cmd := hs.m.push(tr) // the page's fetch
	fetch := make(chan tea.Msg, 1)
	go func() { fetch <- cmd() }()
	hs.keys("esc")
	msg := <-fetch // the hung fetch returns once its context is cancelled
	if hs.m.top() != common.Page(tags) {
		t.Fatalf("esc did not go back")
	}
	f.Mu.Lock()
	ctx := f.TreeCtxs[0]
	f.Mu.Unlock()
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("leaving the tree did not cancel its fetch: %v", ctx.Err())
	}
	// Its answer arrives late: dropped, no error shown, nothing changes.
	before := hs.screen()
	hs.send(common.TreeMsg{Page: tr.PageID, Req: tr.Request(), Tree: uitest.TestTree(2)})
	hs.send(msg)
	if hs.screen() != before {
		t.Fatalf("a late answer changed the screen")
	}
	// A stale request of a page still open is dropped too.
	hs.send(common.PageMsg{Page: tags.PageID, Req: tags.Req - 1, Names: []string{"stale"}, Done: true})
	if tags.List().Has("stale") {
		t.Fatal("a page of an old listing was added")
	}
}

func TestErrorsSayWhatToDo(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{uitest.RegStatus(http.StatusNotFound), "Not found (404)"},
		{uitest.RegStatus(http.StatusTooManyRequests), "wait a minute, then press r"},
		{fmt.Errorf("fetch: %w", context.DeadlineExceeded), "Timed out"},
		{uitest.RegStatus(http.StatusForbidden), "403"},
		{fmt.Errorf("x: %w", registry.ErrNoCatalog), "press : and type a repository"},
		{errors.New("boom\x1b[31m"), `boom\x1b[31m`},
	}
	for _, c := range cases {
		f := uitest.NewFake()
		f.Errs["localhost:5000/app:1.0"] = c.err
		hs := newHarness(t, f, "localhost:5000/app:1.0", 120, 24)
		if s := hs.screen(); !strings.Contains(s, c.want) {
			t.Errorf("error %v: status lacks %q:\n%s", c.err, c.want, s)
		}
	}
}

func TestLoginRetriesWithCredentials(t *testing.T) {
	f := uitest.NewFake()
	f.Errs["localhost:5000/app:1.0"] = uitest.Unauthorized()
	var gotUser, gotSecret, gotRepo, savedHost string
	authed := uitest.NewFake()
	hs := newHarness(t, f, "localhost:5000/app:1.0", 80, 24, func(o *common.Options) {
		o.Login = func(host, repo, user, secret string) (common.Registry, error) {
			gotUser, gotSecret, gotRepo = user, secret, repo
			if secret != "s3cret" {
				return nil, errors.New("wrong password")
			}
			return authed, nil
		}
		o.SaveCredentials = func(host, user, secret string) error { savedHost = host; return nil }
	})
	lp, ok := hs.m.top().(*login.Model)
	if !ok {
		t.Fatalf("a 401 should open the login prompt, at %T", hs.m.top())
	}
	hs.typeText("bob")
	hs.keys("tab")
	hs.typeText("wrong")
	if strings.Contains(hs.screen(), "wrong") {
		t.Fatal("the password is shown")
	}
	hs.keys("enter")
	if !strings.Contains(hs.screen(), "Login failed: wrong password") {
		t.Fatalf("failed login not reported:\n%s", hs.screen())
	}
	if lp.Password() != "" || lp.Focus() != 1 {
		t.Fatalf("after a refused login the password field holds %q (focus %d): want it cleared and focused", lp.Password(), lp.Focus())
	}
	if gotRepo != "localhost:5000/app" {
		t.Fatalf("login checked %q, want the repository being opened", gotRepo)
	}
	for range 5 {
		hs.keys("backspace")
	}
	hs.typeText("s3cret")
	hs.keys("q") // typed into the field, must not quit
	hs.keys("backspace", "enter")
	if gotUser != "bob" || gotSecret != "s3cret" || hs.Quit {
		t.Fatalf("login got %q/%q quit=%v", gotUser, gotSecret, hs.Quit)
	}
	if !lp.Saving() || !strings.Contains(hs.screen(), "Save these credentials") {
		t.Fatalf("no offer to save:\n%s", hs.screen())
	}
	tr := hs.m.stack[0].(*tree.Model)
	if tr.Tree() == nil {
		t.Fatal("the tree was not fetched again with the new credentials")
	}
	hs.keys("y")
	if savedHost != "localhost:5000" {
		t.Fatalf("saved for %q", savedHost)
	}
	if hs.m.top() != common.Page(tr) {
		t.Fatalf("after saving, back at %T", hs.m.top())
	}
}

func TestMouse(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000", 80, 24)
	rp := hs.m.top().(*repos.Model)
	// Row 0 is the header, row 1 the list title, row 2 the first repository.
	hs.send(tea.MouseClickMsg{X: 5, Y: 4, Button: tea.MouseLeft})
	if rp.List().Cursor() != 2 {
		t.Fatalf("click on the third row: cursor %d", rp.List().Cursor())
	}
	hs.send(tea.MouseClickMsg{X: 5, Y: 4, Button: tea.MouseLeft}) // again: open
	if _, ok := hs.m.top().(*tags.Model); !ok {
		t.Fatalf("a second click should open, at %T", hs.m.top())
	}
	hs.keys("esc")
	hs.send(tea.MouseWheelMsg{X: 5, Y: 5, Button: tea.MouseWheelDown})
	if rp.List().Cursor() != 4 { // 2 + 3, clamped to the last of 5
		t.Fatalf("wheel: cursor %d", rp.List().Cursor())
	}
	if hs.m.View().MouseMode != tea.MouseModeCellMotion {
		t.Fatal("mouse off in the list")
	}
	// The raw screen turns the mouse off so text can be selected.
	hs2 := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", 80, 24)
	hs2.keys("v")
	if _, ok := hs2.m.top().(*raw.Model); !ok {
		t.Fatalf("v did not open raw, at %T", hs2.m.top())
	}
	if hs2.m.View().MouseMode != tea.MouseModeNone {
		t.Fatal("mouse on in the raw view")
	}
	if !strings.Contains(hs2.screen(), `"manifests": [`) {
		t.Fatalf("raw view lacks the pretty JSON:\n%s", hs2.screen())
	}
}

func TestResolveMatrixAddHost(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app:1.0", 100, 40)
	hs.keys("m")
	rp := hs.m.top().(*resolve.Model)
	find := func(label string) resolve.Row {
		for _, r := range rp.Rows() {
			if r.Label == label {
				return r
			}
		}
		t.Fatalf("no row %s", label)
		return resolve.Row{}
	}
	tr := hs.m.stack[0].(*tree.Model).Tree()
	for label, want := range map[string]string{
		"linux/arm/v8": "linux/arm/v7", "linux/arm/v6": "linux/arm/v6", "linux/amd64/v3": "linux/amd64",
		"linux/s390x": "", "windows/amd64:10.0.17763": "",
	} {
		r := find(label)
		host, _ := model.ParsePlatform(label)
		res, _ := model.Resolve(tr, host)
		got := ""
		if r.Result != nil && r.Result.Entry != nil {
			got = r.Result.Platform.String()
		}
		if got != want {
			t.Errorf("%s pulls %q, want %q", label, got, want)
		}
		if (res.Entry == nil) != (got == "") {
			t.Errorf("%s: matrix disagrees with model.Resolve", label)
		}
	}
	hs.keys("a")
	hs.typeText("windows/amd64:10.0.26100")
	hs.keys("enter")
	last := rp.Rows()[len(rp.Rows())-1]
	if last.Label != "windows/amd64:10.0.26100" || last.Result == nil || last.Result.Entry == nil ||
		last.Result.Platform.OS != "windows" {
		t.Fatalf("added windows host resolved to %+v", last.Result)
	}
	hs.keys("a")
	hs.typeText("nonsense")
	hs.keys("enter")
	if !strings.Contains(hs.screen(), "os/arch") || !rp.Adding() {
		t.Fatalf("a bad platform should be explained and the field kept:\n%s", hs.screen())
	}
	hs.keys("esc")
	if !strings.Contains(hs.screen(), "none") {
		t.Fatal("no host shows none")
	}
}

func TestGotoOpensReferenceAndBareTag(t *testing.T) {
	hs := newHarness(t, uitest.NewFake(), "localhost:5000/app", 80, 24)
	hs.keys(":")
	hs.typeText("1.0")
	hs.keys("enter")
	tr, ok := hs.m.top().(*tree.Model)
	if !ok || tr.Ref() != "localhost:5000/app:1.0" {
		t.Fatalf("a bare tag should open in this repository, at %T", hs.m.top())
	}
	hs.keys(":")
	hs.typeText("localhost:5000/cli:2.0")
	hs.keys("enter")
	tr2 := hs.m.top().(*tree.Model)
	if tr2.Tree() == nil || tr2.Tree().IsIndex() {
		t.Fatal("cli:2.0 not opened")
	}
	if !strings.HasSuffix(hs.m.breadcrumbText(), "localhost:5000/cli:2.0") {
		t.Errorf("a reference opened by name shows its repository: %q", hs.m.breadcrumbText())
	}
}

func TestThemePickedFromBackground(t *testing.T) {
	t.Setenv("NO_COLOR", "") // the test's environment must not decide
	m, err := New(context.Background(), common.Options{Registry: uitest.NewFake(), Start: "localhost:5000"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if name := m.c.Styles.Theme.Name; name != "dark" || m.themeFixed {
		t.Fatalf("default theme %s (fixed %v), want dark until the background is known", name, m.themeFixed)
	}
	m.Update(tea.BackgroundColorMsg{Color: darkColour{}})
	if m.c.Styles.Theme.Name != "dark" {
		t.Fatalf("dark background gave theme %s", m.c.Styles.Theme.Name)
	}
	m.Update(tea.BackgroundColorMsg{Color: lightColour{}})
	if m.c.Styles.Theme.Name != "light" {
		t.Fatalf("light background gave theme %s", m.c.Styles.Theme.Name)
	}
	fixed, err := New(context.Background(), common.Options{Registry: uitest.NewFake(), Theme: "high-contrast"})
	if err != nil {
		t.Fatal(err)
	}
	defer fixed.Close()
	fixed.Update(tea.BackgroundColorMsg{Color: lightColour{}})
	if fixed.c.Styles.Theme.Name != "high-contrast" {
		t.Fatal("--theme was overridden by the background")
	}
	if _, err := New(context.Background(), common.Options{Registry: uitest.NewFake(), Theme: "/no/such/theme.yaml"}); err == nil {
		t.Fatal("a missing theme file is not an error")
	}
}

type lightColour struct{}

type darkColour struct{}

func (darkColour) RGBA() (r, g, b, a uint32) { return 0x1010, 0x1010, 0x1010, 0xffff }

func (lightColour) RGBA() (r, g, b, a uint32) { return 0xffff, 0xffff, 0xffff, 0xffff }

func TestRegistryStringsAreMadeSafe(t *testing.T) {
	f := uitest.NewFake()
	f.Repos = []string{"evil\x1b]52;c;aGk=\x07repo", "ok/\u202erepo"}
	hs := newHarness(t, f, "localhost:5000", 80, 24)
	out := hs.m.View().Content
	if strings.Contains(out, "\x1b]52") || strings.Contains(out, "\u202e") || strings.Contains(out, "\x07") {
		t.Fatalf("control characters from the registry reached the screen: %q", out)
	}
	if !strings.Contains(out, `evil\x1b]52;c;aGk=\x07repo`) {
		t.Fatalf("the escaped name is not shown: %q", common.StripANSI(out))
	}
}

func TestGotoNamesAreRelativeToTheRegistry(t *testing.T) {
	cases := map[string]string{
		"acme/web:1":           "localhost:5000/acme/web:1",
		"acme/web":             "localhost:5000/acme/web",
		"ghcr.io/o/r:1":        "ghcr.io/o/r:1",
		"localhost:6000/x":     "localhost:6000/x",
		"docker.io/library/go": "docker.io/library/go",
		"ghcr.io":              "ghcr.io",
	}
	for in, want := range cases {
		if got := common.RelativeTo("localhost:5000", in); got != want {
			t.Errorf("common.RelativeTo(%q) = %q, want %q", in, got, want)
		}
	}
	hs := newHarness(t, uitest.NewFake(), "localhost:5000", 80, 24)
	hs.keys(":")
	hs.typeText("cli:2.0")
	hs.keys("enter")
	if tr, ok := hs.m.top().(*tree.Model); !ok || tr.Ref() != "localhost:5000/cli:2.0" || tr.Tree() == nil {
		t.Fatalf("cli:2.0 typed on the repository list did not open in localhost:5000: %T", hs.m.top())
	}
}

// progressFake is a registry whose Tree reports a partial tree (the index's
// entries, nothing fetched below) and then waits for release before
// answering with the whole tree.
type progressFake struct {
	*uitest.FakeRegistry
	release chan struct{}
}

func (f progressFake) Tree(ctx context.Context, ref string, opts registry.TreeOptions) (*model.Tree, error) {
	full, err := f.FakeRegistry.Tree(ctx, ref, opts)
	if err != nil || opts.Progress == nil {
		return full, err
	}
	part := *full
	part.Entries = nil
	for _, e := range full.Entries {
		c := *e
		c.Image, c.Children = nil, nil
		part.Entries = append(part.Entries, &c)
	}
	opts.Progress(&part)
	select {
	case <-f.release:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return full, nil
}

// The tree paints the index's entries before anything below them arrives,
// and the cursor stays on its row when the rest fills in.
func TestTreePaintsAsItArrives(t *testing.T) {
	f := progressFake{FakeRegistry: uitest.NewFake(), release: make(chan struct{})}
	hs := newHarness(t, f.FakeRegistry, "localhost:5000/app:1.0", 100, 30)
	tp := tree.New(hs.m.c, "localhost:5000/app:1.0")
	hs.m.c.Reg = f
	tp.SetSize(100, 28)
	tp.PageID = common.NextID()
	cmd := tp.Init()
	msg, ok := cmd().(common.TreeMsg)
	if !ok || !msg.Partial || len(msg.Tree.Entries) == 0 {
		t.Fatalf("first message %#v, want a partial tree with the entries", msg)
	}
	page, next := tp.Update(msg)
	tp = page.(*tree.Model)
	if len(tp.Rows()) < 2 || !tp.Loading() {
		t.Fatalf("partial tree: %d rows, loading %v", len(tp.Rows()), tp.Loading())
	}
	tp.SetCursor(2)
	key := tp.Rows()[2].Key
	close(f.release)
	final, ok := next().(common.TreeMsg)
	if !ok || final.Partial {
		t.Fatalf("second message %#v, want the whole tree", final)
	}
	page, _ = tp.Update(final)
	tp = page.(*tree.Model)
	if tp.Loading() || tp.Rows()[tp.Cursor()].Key != key || tp.Offset() != 0 {
		t.Fatalf("after the whole tree: loading %v, cursor on %q (want %q), offset %d", tp.Loading(), tp.Rows()[tp.Cursor()].Key, key, tp.Offset())
	}
}
