package staging

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/manifold-dev/manifold/internal/stagestore"
	"github.com/manifold-dev/manifold/internal/termsafe"
	"github.com/manifold-dev/manifold/model"
	"github.com/manifold-dev/manifold/registry"
	"github.com/manifold-dev/manifold/ui/common"
	"github.com/manifold-dev/manifold/ui/keys"
	"github.com/manifold-dev/manifold/verbs"
)

// StageStore keeps staged lists; *stagestore.Store satisfies it.
type StageStore = common.StageStore

// Pusher is what the staging pane needs from a registry beyond Registry;
// *registry.Client satisfies it. A Registry that is not a Pusher can stage
// but not push.
type Pusher interface {
	verbs.Pusher
}

var _ Pusher = (*registry.Client)(nil)

// newStagingInput is a text field whose cursor blinks unless
// Options.SteadyCursor (tests, so no command sleeps).
func newStagingInput(o *common.Options) textinput.Model {
	ti := textinput.New()
	if o != nil && o.SteadyCursor {
		st := ti.Styles()
		st.Cursor.Blink = false
		ti.SetStyles(st)
	}
	return ti
}

// stagingKeys are the staging pane's own keys. None of them writes to a
// registry: P only opens the push confirmation.
type stagingKeys struct {
	Add, Open, New, Remove, Discard, Rename, Edit, Annotate, IndexAnnotate key.Binding
	MediaType, Undo, Push, Confirm, Tags, Lists                            key.Binding
}

func defaultStagingKeys() stagingKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return stagingKeys{
		Add:           b([]string{"a"}, "a", "stage image/entry"),
		Open:          b([]string{"enter"}, "enter", "open list"),
		New:           b([]string{"n"}, "n", "new list"),
		Remove:        b([]string{"x", "delete"}, "x", "remove entry"),
		Discard:       b([]string{"D"}, "D", "discard list"),
		Rename:        b([]string{"R"}, "R", "rename"),
		Edit:          b([]string{"e"}, "e", "edit platform"),
		Annotate:      b([]string{"A"}, "A", "annotate entry"),
		IndexAnnotate: b([]string{"I"}, "I", "annotate index"),
		MediaType:     b([]string{"M"}, "M", "media type"),
		Undo:          b([]string{"u"}, "u", "undo"),
		Push:          b([]string{"P"}, "P", "push…"),
		Confirm:       b([]string{"y"}, "y", "confirm"),
		Tags:          b([]string{"t"}, "t", "extra tags"),
		Lists:         b([]string{"L"}, "L", "all lists"),
	}
}

type stagingDialog int

const (
	dialogNone stagingDialog = iota
	dialogNewList
	dialogRename
	dialogDiscard
	dialogPlatform
	dialogAnnotate
	dialogIndexAnnotate
	dialogPushLoading
	dialogPushConfirm
	dialogPushTags
	dialogPushing
	dialogChooseTarget
)

// pushReview is what the push confirmation shows.
type pushReview struct {
	plan    *registry.PushPlan
	current string // digest the tag holds now, as reviewed
	diff    model.ListDiff
	warning string // e.g. the tag moved since staging
	tags    []string
	events  []string
	// stale are the signatures and attestations of the index the tag holds
	// now that the push leaves behind, already worded.
	stale []string
}

// stagingPage is the staging pane: the staged lists, and the entries of the
// open one, edited locally and saved at once; pushing goes through a
// confirmation that shows the diff and the target tags.
type Model struct {
	common.PageBase
	keys  stagingKeys
	store StageStore
	saver *stagingSaver
	req   int

	lists   []stagestore.Summary
	cur     *model.StagedList // the open list; nil shows the lists
	undo    *model.StagedList
	finds   []model.Finding
	cursor  int
	offset  int
	loading bool
	errText string

	dialog stagingDialog
	input  textinput.Model
	form   *platformForm
	review *pushReview
	// reviewOff is the first line of the push review shown below its
	// title when the review is taller than the pane (see reviewWindow).
	reviewOff int
	pending   []model.StagedEntry // entries to add once a new list exists
	pendSrc   string
	choices   []targetChoice // the target chooser's offer
	choice    int
	retry     stagingDialog // the dialog a failed create or stage reopens
	// promptErr is why the last new-list prompt failed, shown wrapped
	// under the prompt.
	promptErr string
}

// stagingSaver serialises saves: a save older than the last one written is
// dropped, so quick edits land in order. rev is the revision of the open
// list on disk as this pane last read or wrote it; each save is written
// only over that revision. After a refused save (another manifold changed
// the list) stale is set and later saves of edits made on the old list are
// dropped until the pane shows the list as it is now.
type stagingSaver struct {
	mu    sync.Mutex
	saved int
	gen   int
	rev   int64
	stale bool
}

// opened records the revision of a list the pane now shows.
func (sv *stagingSaver) opened(rev int64) {
	sv.mu.Lock()
	defer sv.mu.Unlock()
	sv.rev, sv.stale = rev, false
}

func New(c *common.Common) *Model {
	p := &Model{PageBase: common.NewPageBase(c), keys: defaultStagingKeys(), saver: &stagingSaver{}}
	p.input = textinput.New()
	return p
}

// newStagingPageWith opens the staging pane with entries waiting for a new
// list's target (the user pressed a with no list staged yet).
func newStagingPageWith(c *common.Common, source string, entries []model.StagedEntry) *Model {
	p := New(c)
	p.pending, p.pendSrc = entries, source
	return p
}

// Messages of the staging pane, each for one page and request.
type (
	stagingLoadedMsg struct {
		page, req int
		store     StageStore
		lists     []stagestore.Summary
		open      *model.StagedList
		openRev   int64
		initial   bool // from Init: open replaces the open list
		note      string
		err       error
	}
	stagingSavedMsg struct {
		page int
		err  error
		// changed is set when another manifold changed the list since
		// the pane read it: the save was refused.
		changed *stagestore.ChangedError
	}
	stagingCreatedMsg struct {
		page, req int
		list      *model.StagedList
		rev       int64
		note      string
		err       error
		// keep are the entries a failed create or stage hands back, so
		// nothing the user asked for is lost.
		keep []model.StagedEntry
	}
	stagingReviewMsg struct {
		page, req int
		review    *pushReview
		err       error
	}
	stagingProgressMsg struct {
		page, req int
		ev        registry.PushEvent
		next      tea.Cmd
	}
	stagingPushedMsg struct {
		page, req int
		res       *registry.PushResult
		err       error
	}
)

func (m stagingLoadedMsg) Target() int   { return m.page }
func (m stagingSavedMsg) Target() int    { return m.page }
func (m stagingCreatedMsg) Target() int  { return m.page }
func (m stagingReviewMsg) Target() int   { return m.page }
func (m stagingProgressMsg) Target() int { return m.page }
func (m stagingPushedMsg) Target() int   { return m.page }

func (p *Model) Crumb() string { return "staging" }
func (p *Model) Busy() bool {
	return p.loading || p.dialog == dialogPushLoading || p.dialog == dialogPushing
}
func (p *Model) MouseEnabled() bool { return false }
func (p *Model) InputFocused() bool {
	switch p.dialog {
	case dialogNewList, dialogRename, dialogAnnotate, dialogIndexAnnotate, dialogPlatform, dialogPushTags, dialogChooseTarget:
		return true
	}
	return false
}

// Init loads the staged lists and opens the most recently changed one.
func (p *Model) Init() tea.Cmd {
	p.req = common.NextID()
	p.loading = true
	id, req := p.PageID, p.req
	openName := ""
	if p.cur != nil {
		openName = p.cur.Name
	}
	pending := len(p.pending) > 0
	opts := p.C.Opts
	return func() tea.Msg {
		st, err := opts.OpenStageStore()
		if err != nil {
			return stagingLoadedMsg{page: id, req: req, err: err}
		}
		ls, err := st.List()
		if err != nil {
			return stagingLoadedMsg{page: id, req: req, err: err}
		}
		msg := stagingLoadedMsg{page: id, req: req, store: st, lists: ls, initial: true}
		if openName == "" && !pending {
			openName = newestList(ls)
		}
		if openName != "" {
			if l, rev, err := st.LoadRev(openName); err == nil {
				msg.open, msg.openRev = l, rev
			}
		}
		return msg
	}
}

func newestList(ls []stagestore.Summary) string {
	name := ""
	var best stagestore.Summary
	for _, s := range ls {
		if s.Err == nil && (name == "" || s.Updated.After(best.Updated)) {
			name, best = s.Name, s
		}
	}
	return name
}

// List is the list open, nil on the list of lists.
func (p *Model) List() *model.StagedList { return p.cur }

// SetInput sets the text of the field open (a new list's target, a name).
func (p *Model) SetInput(s string) { p.input.SetValue(s) }

// Reviewing: the push confirmation is open.
func (p *Model) Reviewing() bool { return p.dialog == dialogPushConfirm }

// DialogOpen: a dialog (a field, a form, the push review) is open.
func (p *Model) DialogOpen() bool { return p.dialog != dialogNone }

// HelpKeys are the pane's keys on the list of lists and on a list, for the
// key table.
func (p *Model) HelpKeys() []keys.Key {
	ks := p.Keys()
	cur := p.cur
	p.cur = &model.StagedList{}
	defer func() { p.cur = cur }()
	return append(ks, p.Keys()...)
}

func (p *Model) SetList(l *model.StagedList) {
	p.cur = l
	p.finds = nil
	if l != nil {
		p.finds = l.Validate()
	}
	p.clampCursor()
}

func (p *Model) rowsLen() int {
	if p.cur != nil {
		return len(p.cur.Entries)
	}
	return len(p.lists)
}

func (p *Model) clampCursor() {
	n := p.rowsLen()
	if p.cursor >= n {
		p.cursor = n - 1
	}
	if p.cursor < 0 {
		p.cursor = 0
	}
	rows := p.bodyRows()
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+rows {
		p.offset = p.cursor - rows + 1
	}
	if p.offset < 0 {
		p.offset = 0
	}
}

// edit applies fn to a copy of the open list, keeps the old one for undo,
// revalidates and saves.
func (p *Model) edit(status string, fn func(l *model.StagedList) error) tea.Cmd {
	if p.cur == nil {
		return nil
	}
	next := p.cur.Clone()
	if err := fn(next); err != nil {
		return common.SetStatus(termsafe.String(err.Error()), true)
	}
	p.undo = p.cur
	p.SetList(next)
	if status == "" {
		return p.save(next) // the caller says it
	}
	return tea.Batch(p.save(next), common.SetStatus(status, false))
}

// save writes l in a command; saves are serialised in order of edits.
func (p *Model) save(l *model.StagedList) tea.Cmd {
	if p.store == nil {
		return nil
	}
	st, sv, id := p.store, p.saver, p.PageID
	sv.mu.Lock()
	sv.gen++
	gen := sv.gen
	sv.mu.Unlock()
	snapshot := l.Clone()
	return func() tea.Msg {
		sv.mu.Lock()
		defer sv.mu.Unlock()
		if gen < sv.saved || sv.stale {
			return nil
		}
		sv.saved = gen
		rev, err := st.SaveIf(snapshot, sv.rev)
		var changed *stagestore.ChangedError
		if errors.As(err, &changed) {
			sv.stale = true
			return stagingSavedMsg{page: id, err: err, changed: changed}
		}
		if err == nil {
			sv.rev = rev
		}
		return stagingSavedMsg{page: id, err: err}
	}
}

// onChangedElsewhere shows the list as another manifold left it, after a
// save of this pane's edit was refused: nothing on disk is overwritten,
// and the user redoes the edit on what is there now.
func (p *Model) onChangedElsewhere(ch *stagestore.ChangedError) tea.Cmd {
	p.undo = nil
	if ch.List == nil {
		p.SetList(nil)
		p.saver.opened(0)
		return tea.Batch(p.refreshLists(), common.SetStatus("not saved: "+termsafe.String(ch.Name)+" was discarded by another manifold", true))
	}
	p.SetList(ch.List)
	p.saver.opened(ch.Revision)
	return common.SetStatus("not saved: another manifold changed the list; shown as it is now, redo the edit", true)
}

func (p *Model) Update(msg tea.Msg) (common.Page, tea.Cmd) {
	switch msg := msg.(type) {
	case stagingLoadedMsg:
		if msg.initial && msg.req != p.req {
			return p, nil
		}
		p.loading = false
		if msg.err != nil {
			p.errText = termsafe.String(msg.err.Error())
			return p, common.SetStatus("staging: "+p.errText, true)
		}
		p.store, p.lists = msg.store, msg.lists
		if msg.initial {
			p.SetList(msg.open)
			p.saver.opened(msg.openRev)
		}
		p.clampCursor()
		if msg.note != "" {
			return p, common.SetStatus(msg.note, false)
		}
		if len(p.pending) > 0 {
			return p, p.askTarget()
		}
		return p, nil
	case stagingSavedMsg:
		if msg.changed != nil {
			return p, p.onChangedElsewhere(msg.changed)
		}
		if msg.err != nil {
			return p, common.SetStatus("not saved: "+termsafe.String(msg.err.Error()), true)
		}
		return p, nil
	case stagingCreatedMsg:
		if msg.req != p.req {
			return p, nil
		}
		p.loading = false
		if msg.err != nil {
			if len(msg.keep) > 0 {
				// Ask again, the entries kept and the typed name too.
				p.pending = msg.keep
				p.promptErr = termsafe.String(msg.err.Error())
				if p.retry == dialogNewList {
					p.dialog = dialogNewList
					return p, tea.Batch(p.input.Focus(), common.SetStatus("not staged: the entries are kept; fix the name or esc", true))
				}
				p.choices = targetChoices(p.lists, p.pendSrc)
				p.dialog = dialogChooseTarget
				return p, common.SetStatus("not staged: the entries are kept; choose again or esc", true)
			}
			return p, common.SetStatus(termsafe.String(msg.err.Error()), true)
		}
		p.undo = nil
		p.dialog, p.promptErr, p.choices, p.pending = dialogNone, "", nil, nil
		p.SetList(msg.list)
		p.saver.opened(msg.rev)
		return p, tea.Batch(common.SetStatus(msg.note, false), p.refreshLists())
	case stagingReviewMsg:
		return p.onReview(msg)
	case stagingProgressMsg:
		if msg.req != p.req || p.review == nil {
			return p, nil
		}
		p.review.events = append(p.review.events, progressLine(msg.ev))
		return p, msg.next
	case stagingPushedMsg:
		return p.onPushed(msg)
	case tea.KeyPressMsg:
		return p.onKey(msg)
	}
	if p.InputFocused() {
		return p, p.updateInput(msg)
	}
	return p, nil
}

func (p *Model) refreshLists() tea.Cmd {
	return p.listOp("", func(StageStore) error { return nil })
}

func suggestTarget(source string) string {
	if source == "" {
		return ""
	}
	repo := source
	if i := strings.LastIndexByte(repo, '@'); i >= 0 {
		repo = repo[:i]
	}
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		repo = repo[:i]
	}
	return repo + ":multiarch"
}

func (p *Model) openInput(d stagingDialog, placeholder, value string) tea.Cmd {
	p.dialog = d
	p.input = newStagingInput(p.C.Opts)
	p.input.Placeholder = placeholder
	p.input.SetValue(value)
	p.input.CursorEnd()
	p.input.SetWidth(max(p.Width-20, 10))
	return p.input.Focus()
}

func (p *Model) updateInput(msg tea.Msg) tea.Cmd {
	if p.dialog == dialogPlatform && p.form != nil {
		return p.form.update(msg)
	}
	var cmd tea.Cmd
	p.input, cmd = p.input.Update(msg)
	return cmd
}

func (p *Model) onKey(msg tea.KeyPressMsg) (common.Page, tea.Cmd) {
	k := p.C.Keys
	if p.dialog == dialogChooseTarget {
		return p, p.onChooserKey(msg)
	}
	if p.InputFocused() {
		switch {
		case msg.String() == "esc":
			if p.dialog == dialogPushTags {
				p.dialog = dialogPushConfirm
				return p, nil
			}
			dropped := p.dialog == dialogNewList && len(p.pending) > 0
			p.dialog, p.form, p.pending, p.promptErr = dialogNone, nil, nil, ""
			if dropped {
				return p, common.SetStatus("nothing staged", false)
			}
			return p, nil
		case msg.String() == "enter":
			return p, p.submit()
		}
		return p, p.updateInput(msg)
	}
	switch p.dialog {
	case dialogDiscard:
		if key.Matches(msg, p.keys.Confirm) {
			p.dialog = dialogNone
			return p, p.discardSelected()
		}
		p.dialog = dialogNone
		return p, common.SetStatus("not discarded", false)
	case dialogPushLoading, dialogPushing:
		if msg.String() == "esc" && p.dialog == dialogPushLoading {
			p.dialog, p.review = dialogNone, nil
			p.req = common.NextID()
		}
		return p, nil
	case dialogPushConfirm:
		switch {
		case key.Matches(msg, k.Up):
			p.scrollReview(-1)
		case key.Matches(msg, k.Down):
			p.scrollReview(1)
		case key.Matches(msg, k.Top):
			p.scrollReview(-1 << 20)
		case key.Matches(msg, k.Bottom):
			p.scrollReview(1 << 20)
		case key.Matches(msg, p.keys.Confirm):
			return p, p.startPush()
		case key.Matches(msg, p.keys.Tags):
			return p, p.openInput(dialogPushTags, "extra tags, comma-separated (e.g. latest, 1.0)", strings.Join(p.review.tags, ", "))
		case msg.String() == "esc" || msg.String() == "n" || msg.String() == "q":
			p.dialog, p.review = dialogNone, nil
			return p, common.SetStatus("push cancelled", false)
		}
		return p, nil
	}
	switch {
	case key.Matches(msg, k.Up):
		p.cursor--
		p.clampCursor()
	case key.Matches(msg, k.Down):
		p.cursor++
		p.clampCursor()
	case key.Matches(msg, k.Top):
		p.cursor = 0
		p.clampCursor()
	case key.Matches(msg, k.Bottom):
		p.cursor = p.rowsLen() - 1
		p.clampCursor()
	case key.Matches(msg, k.Back):
		if p.cur != nil && len(p.lists) > 1 {
			p.SetList(nil)
			return p, p.refreshLists()
		}
		return p, common.PopPage
	case key.Matches(msg, p.keys.New):
		return p, p.openInput(dialogNewList, "target tag, e.g. localhost:5000/app:v1 (an existing list is amended)", "")
	case p.cur == nil:
		return p, p.onListsKey(msg)
	default:
		return p, p.onEntriesKey(msg)
	}
	return p, nil
}

func (p *Model) onListsKey(msg tea.KeyPressMsg) tea.Cmd {
	if p.cursor >= len(p.lists) {
		return nil
	}
	sel := p.lists[p.cursor]
	switch {
	case key.Matches(msg, p.keys.Open):
		if sel.Err != nil {
			return common.SetStatus("unreadable: "+termsafe.String(sel.Err.Error())+" (D discards it)", true)
		}
		st, id, req := p.store, p.PageID, p.req
		return func() tea.Msg {
			// Saving it again makes it the newest: a (stage) adds to it.
			l, rev, err := st.Change(sel.Name, func(l *model.StagedList) (*model.StagedList, error) {
				if l == nil {
					return nil, fmt.Errorf("%s: %w", sel.Name, stagestore.ErrNotFound)
				}
				return l, nil
			})
			return stagingCreatedMsg{page: id, req: req, list: l, rev: rev, note: "opened " + termsafe.String(sel.Name) + ": a on any screen adds to it", err: err}
		}
	case key.Matches(msg, p.keys.Discard):
		p.dialog = dialogDiscard
		return nil
	case key.Matches(msg, p.keys.Rename):
		return p.openInput(dialogRename, "new name", sel.Name)
	}
	return nil
}

func (p *Model) onEntriesKey(msg tea.KeyPressMsg) tea.Cmd {
	switch {
	case key.Matches(msg, p.keys.Lists):
		p.SetList(nil)
		return p.refreshLists()
	case key.Matches(msg, p.keys.Undo):
		if p.undo == nil {
			return common.SetStatus("nothing to undo", false)
		}
		prev := p.undo
		p.undo = nil
		p.SetList(prev)
		return tea.Batch(p.save(prev), common.SetStatus("undone", false))
	case key.Matches(msg, p.keys.MediaType):
		return p.edit("media type changed", func(l *model.StagedList) error {
			switch l.MediaType {
			case "":
				l.MediaType = model.MediaTypeOCIIndex
			case model.MediaTypeOCIIndex:
				l.MediaType = model.MediaTypeDockerList
			default:
				l.MediaType = ""
			}
			return nil
		})
	case key.Matches(msg, p.keys.IndexAnnotate):
		return p.openInput(dialogIndexAnnotate, "index annotation key=value (key= removes)", "")
	case key.Matches(msg, p.keys.Push):
		if p.C.Opts.ReadOnly {
			return common.SetStatus("readonly: not pushed — manifold was started with --readonly (or readonly: true in the config file)", true)
		}
		return p.review0()
	}
	if p.cursor >= len(p.cur.Entries) {
		return nil
	}
	e := p.cur.Entries[p.cursor]
	switch {
	case key.Matches(msg, p.keys.Remove):
		i := p.cursor
		return p.edit("removed "+termsafe.String(e.PlatformString())+" (u undoes)", func(l *model.StagedList) error {
			l.Remove(i)
			return nil
		})
	case key.Matches(msg, p.keys.Edit):
		p.form = newPlatformForm(p.C.Opts, e.Platform, p.Width)
		p.dialog = dialogPlatform
		return p.form.focus()
	case key.Matches(msg, p.keys.Annotate):
		return p.openInput(dialogAnnotate, "annotation key=value (key= removes)", "")
	}
	return nil
}

// submit applies the focused input.
func (p *Model) submit() tea.Cmd {
	d := p.dialog
	val := strings.TrimSpace(p.input.Value())
	p.dialog = dialogNone
	switch d {
	case dialogPlatform:
		f := p.form
		p.form = nil
		plat, err := f.platform()
		if err != nil {
			p.dialog, p.form = dialogPlatform, f
			return common.SetStatus(err.Error(), true)
		}
		i := p.cursor
		msg := "platform set to " + termsafe.String(plat.Label())
		if len(f.notes) > 0 {
			msg += " (normalised " + termsafe.String(strings.Join(f.notes, ", ")) + ")"
		}
		return p.edit(msg, func(l *model.StagedList) error {
			// The form has no field for features: keep the entry's.
			if old := l.Entries[i].Platform; old != nil && len(old.Features) > 0 {
				plat.Features = append([]string(nil), old.Features...)
			}
			l.Entries[i].Platform = &plat
			return nil
		})
	case dialogAnnotate, dialogIndexAnnotate:
		ann, err := model.ParseAnnotations([]string{val})
		if err != nil {
			return common.SetStatus(err.Error(), true)
		}
		i := p.cursor
		return p.edit("annotations updated", func(l *model.StagedList) error {
			if d == dialogIndexAnnotate {
				l.SetAnnotations(ann)
				return nil
			}
			return l.Annotate(i, model.PlatformEdit{}, ann)
		})
	case dialogNewList:
		target, err := resolveListTarget(p.pendSrc, val)
		if err != nil {
			// The prompt stays open with what was typed, and the entries.
			p.dialog = dialogNewList
			p.promptErr = err.Error()
			return p.input.Focus()
		}
		p.retry = dialogNewList
		return p.createList(target)
	case dialogRename:
		if p.cursor >= len(p.lists) || val == "" {
			return nil
		}
		from := p.lists[p.cursor].Name
		return p.listOp("renamed to "+termsafe.String(val), func(st StageStore) error { return st.Rename(from, val) })
	case dialogPushTags:
		if p.review != nil {
			p.review.tags = splitTags(val)
			return p.reviewPush(p.review.tags)
		}
	}
	return nil
}

// alreadyThere notes entries an add skipped because the list had them.
func alreadyThere(skipped []model.Skipped) string {
	if len(skipped) == 0 {
		return ""
	}
	return fmt.Sprintf(", %d already there", len(skipped))
}

func splitTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

// createList starts a list for target: from what the tag holds when it is
// an index (amend), else empty; pending entries are added.
func (p *Model) createList(target string) tea.Cmd {
	st := p.store
	pusher, _ := p.C.Reg.(Pusher)
	pending := p.pending
	p.loading = true
	p.req = common.NextID()
	ctx, id, req := p.Ctx, p.PageID, p.req
	return func() tea.Msg {
		fail := func(err error) tea.Msg { return stagingCreatedMsg{page: id, req: req, err: err} }
		if st == nil {
			return fail(fmt.Errorf("the staging store is not open"))
		}
		var r verbs.Reader
		if pusher != nil {
			r = pusher
		}
		res, err := verbs.StageInto(ctx, r, st, target, target, pending, verbs.StageOptions{Amend: true, Keep: true})
		if err != nil {
			return stagingCreatedMsg{page: id, req: req, err: err, keep: pending}
		}
		l := res.List
		var note string
		switch {
		case res.Start == nil:
			note = fmt.Sprintf("opened %s (%d added%s)", termsafe.String(target), res.Added, alreadyThere(res.Skipped))
		default:
			note = "new list " + termsafe.String(target)
			if res.Start.Kept {
				note = fmt.Sprintf("amending %s: %s from the tag", termsafe.String(target), common.Plural(len(res.Start.List.Entries), "entry", "entries"))
			}
			if res.Added > 0 {
				note += fmt.Sprintf(", %d added", res.Added)
			}
			note += alreadyThere(res.Skipped)
		}
		return stagingCreatedMsg{page: id, req: req, list: l, rev: res.Revision, note: note}
	}
}

func (p *Model) discardSelected() tea.Cmd {
	if p.cursor >= len(p.lists) {
		return nil
	}
	name := p.lists[p.cursor].Name
	return p.listOp("discarded "+termsafe.String(name), func(st StageStore) error { return st.Discard(name) })
}

// listOp runs a change to the store, then lists it again.
func (p *Model) listOp(note string, op func(StageStore) error) tea.Cmd {
	st, id, req := p.store, p.PageID, p.req
	if st == nil {
		return nil
	}
	return func() tea.Msg {
		if err := op(st); err != nil {
			return common.StatusMsg{Text: termsafe.String(err.Error()), Err: true}
		}
		ls, err := st.List()
		return stagingLoadedMsg{page: id, req: req, store: st, lists: ls, err: err, note: note}
	}
}

// stagingShort abbreviates a digest to algorithm:12 hex.
func stagingShort(d string) string {
	if i := strings.IndexByte(d, ':'); i >= 0 && len(d) > i+13 {
		return d[:i+13]
	}
	return d
}

// Keys: the pane's keys in its current mode (the lists, one list's
// entries, a dialog). onKey handles them.
func (p *Model) Keys() []keys.Key {
	k, sk := p.C.Keys, p.keys
	if p.InputFocused() {
		return []keys.Key{{Binding: k.Submit, Group: keys.GroupAct, Footer: 1}, {Binding: k.Cancel, Group: keys.GroupAct, Footer: 1}}
	}
	switch p.dialog {
	case dialogDiscard:
		return []keys.Key{{Binding: sk.Confirm, Group: keys.GroupAct, Footer: 1}, {Binding: anyOtherKey, Group: keys.GroupAct, Footer: 1}}
	case dialogPushConfirm:
		scrolls := func() bool { return p.reviewScroll() > 0 }
		return []keys.Key{{Binding: sk.Confirm, Group: keys.GroupAct, Footer: 1}, {Binding: sk.Tags, Group: keys.GroupAct, Footer: 1}, {Binding: k.Cancel, Group: keys.GroupAct, Footer: 1},
			{Binding: k.Up, Group: keys.GroupMove, When: scrolls}, {Binding: k.Down, Group: keys.GroupMove, When: scrolls},
			{Binding: k.Top, Group: keys.GroupMove, When: scrolls}, {Binding: k.Bottom, Group: keys.GroupMove, When: scrolls}}
	case dialogPushLoading:
		return []keys.Key{{Binding: k.Cancel, Group: keys.GroupAct, Footer: 1}}
	case dialogPushing:
		return nil
	}
	lists := func() bool { return p.cur == nil }
	entries := func() bool { return p.cur != nil }
	return []keys.Key{
		{Binding: k.Up, Group: keys.GroupMove}, {Binding: k.Down, Group: keys.GroupMove},
		{Binding: k.Top, Group: keys.GroupMove}, {Binding: k.Bottom, Group: keys.GroupMove},
		{Binding: sk.Open, Group: keys.GroupView, Footer: 1, When: lists},
		{Binding: sk.New, Group: keys.GroupAct, Footer: 2},
		{Binding: sk.Discard, Group: keys.GroupAct, Footer: 3, When: lists},
		{Binding: sk.Rename, Group: keys.GroupAct, Footer: 4, When: lists},
		{Binding: sk.Edit, Group: keys.GroupAct, Footer: 1, When: entries},
		{Binding: sk.Annotate, Group: keys.GroupAct, Footer: 3, When: entries},
		{Binding: sk.IndexAnnotate, Group: keys.GroupAct, When: entries},
		{Binding: sk.Remove, Group: keys.GroupAct, Footer: 2, When: entries},
		{Binding: sk.Undo, Group: keys.GroupAct, Footer: 4, When: entries},
		{Binding: sk.MediaType, Group: keys.GroupAct, When: entries},
		{Binding: sk.Push, Group: keys.GroupAct, Footer: 1, When: entries},
		{Binding: sk.Lists, Group: keys.GroupView, Footer: 5, When: entries},
	}
}

// anyOtherKey is the help of a question that any other key answers no.
// (any key but y answers; n is the one shown).
var anyOtherKey = key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "keep it"))

func (p *Model) IsStagingPane() {}
