package staging

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/styles"
)

// platformForm edits an entry's platform: os and architecture complete from
// Go's known list (tab accepts) or take any value; variant, os.version and
// os.features are typed.
type platformForm struct {
	fields []textinput.Model
	labels []string
	focus_ int
	// notes says how the last platform() respelled what was typed
	// ("architecture aarch64 → arm64"), for the status line.
	notes []string
}

const (
	fieldOS = iota
	fieldArch
	fieldVariant
	fieldOSVersion
	fieldOSFeatures
)

func newPlatformForm(o *common.Options, p *model.Platform, width int) *platformForm {
	f := &platformForm{labels: []string{"os", "architecture", "variant", "os.version", "os.features"}}
	var vals [5]string
	if p != nil {
		vals = [5]string{p.OS, p.Architecture, p.Variant, p.OSVersion, strings.Join(p.OSFeatures, ",")}
	}
	for i := range f.labels {
		ti := newStagingInput(o)
		ti.Prompt = ""
		ti.SetWidth(max(width-20, 10))
		ti.SetValue(vals[i])
		ti.CursorEnd()
		switch i {
		case fieldOS:
			ti.ShowSuggestions = true
			ti.SetSuggestions(model.KnownOS)
			ti.Placeholder = "linux, windows, …"
		case fieldArch:
			ti.ShowSuggestions = true
			ti.SetSuggestions(model.KnownArch)
			ti.Placeholder = "amd64, arm64, arm, …"
		case fieldVariant:
			ti.Placeholder = "v7 (arm), v8 (arm64), v3 (amd64) or empty"
		case fieldOSVersion:
			ti.Placeholder = "e.g. 10.0.20348.2113 (windows) or empty"
		case fieldOSFeatures:
			ti.Placeholder = "comma-separated, e.g. win32k"
		}
		f.fields = append(f.fields, ti)
	}
	return f
}

func (f *platformForm) focus() tea.Cmd {
	for i := range f.fields {
		f.fields[i].Blur()
	}
	return f.fields[f.focus_].Focus()
}

// update handles a key: tab completes a suggestion when one is offered,
// else moves to the next field; shift+tab moves back.
func (f *platformForm) update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		cur := &f.fields[f.focus_]
		switch k.String() {
		case "tab":
			if s := cur.CurrentSuggestion(); s != "" && s != cur.Value() && len(cur.MatchedSuggestions()) > 0 {
				break
			}
			f.focus_ = (f.focus_ + 1) % len(f.fields)
			return f.focus()
		case "shift+tab":
			f.focus_ = (f.focus_ + len(f.fields) - 1) % len(f.fields)
			return f.focus()
		}
	}
	var cmd tea.Cmd
	f.fields[f.focus_], cmd = f.fields[f.focus_].Update(msg)
	return cmd
}

// platform returns the platform the form describes.
func (f *platformForm) platform() (model.Platform, error) {
	v := func(i int) string { return strings.TrimSpace(f.fields[i].Value()) }
	p := model.Platform{OS: v(fieldOS), Architecture: v(fieldArch), Variant: v(fieldVariant), OSVersion: v(fieldOSVersion)}
	for _, s := range strings.Split(v(fieldOSFeatures), ",") {
		if s = strings.TrimSpace(s); s != "" {
			p.OSFeatures = append(p.OSFeatures, s)
		}
	}
	if p.OS == "" || p.Architecture == "" {
		return p, fmt.Errorf("a platform needs an os and an architecture")
	}
	// Spelled as containerd reads it (aarch64 → arm64); a near miss such as
	// amd46 is refused with the nearest known value.
	p, notes, err := model.NormalizePlatform(p)
	f.notes = notes
	return p, err
}

func (f *platformForm) view(s *styles.Styles) string {
	var b strings.Builder
	b.WriteString(s.Accent.Render("Platform") + "\n")
	for i, ti := range f.fields {
		label := fmt.Sprintf("%-12s ", f.labels[i])
		if i == f.focus_ {
			label = s.Accent.Render(label)
		} else {
			label = s.Faint.Render(label)
		}
		b.WriteString(label + ti.View() + "\n")
	}
	return b.String()
}
