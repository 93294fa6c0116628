package buyer

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/ocopfair/ocopfair/dev/testenv"
	"github.com/ocopfair/ocopfair/pkg/events"
)

// TestTheOpenBookKeepsTheNewestOfEachRequest: the book loads the open requests alone, keeps the
// newest revision of each whatever order the writes and events come in, drops a closed request
// and brings in one another replica wrote (read by its _id), skipping an event it holds already
// and refusing one it cannot read as hopeless.
func TestTheOpenBookKeepsTheNewestOfEachRequest(t *testing.T) {
	store := NewStore(testenv.DB(t))
	ctx := context.Background()
	mk := func(title string, open bool) Request {
		r := Request{ID: uuid.Must(uuid.NewV7()).String(), BuyerID: "b1", AccountID: "acc-b1", Title: title, MinStars: 3, Open: open, Revision: 1,
			CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := store.CreateRequest(ctx, r, ""); err != nil {
			t.Fatal(err)
		}
		return r
	}
	open := mk("Mật ong rừng", true)
	mk("Chè Shan tuyết", false)
	book := NewOpenBook(store)
	if err := book.Load(ctx); err != nil || !book.Loaded() {
		t.Fatalf("load: %v", err)
	}
	if l := book.List(); len(l) != 1 || l[0].ID != open.ID {
		t.Fatalf("loaded %+v, want the open request alone", l)
	}
	later := open
	later.Title, later.Revision = "Mật ong rừng Tây Bắc", 2
	book.Put(later)
	book.Put(open) // a late copy of revision 1
	if l := book.List(); len(l) != 1 || l[0].Title != later.Title {
		t.Errorf("after revisions 2 then 1: %+v, want revision 2", l)
	}
	gone := later
	gone.Open, gone.Revision = false, 3
	book.Put(gone)
	if l := book.List(); len(l) != 0 {
		t.Errorf("after the close: %+v, want none", l)
	}
	// Another replica opens one: its event brings it in, read as stored.
	other := mk("Nước mắm Phú Quốc", true)
	env, _ := events.New(events.RequestOpened, 1, other.ID, "", events.SourcingRequestChangedV1{Request: RequestEvent(other)})
	if err := book.OnRequest(env); err != nil {
		t.Fatal(err)
	}
	if l := book.List(); len(l) != 1 || l[0].ID != other.ID || l[0].AccountID != "acc-b1" {
		t.Errorf("after another replica's request: %+v, want it with its account", l)
	}
	bad := events.Envelope{Type: events.RequestOpened, Payload: []byte(`{"request": 7}`)}
	if err := book.OnRequest(bad); !errors.Is(err, events.ErrUndecodable) {
		t.Errorf("an event that does not decode: %v, want ErrUndecodable", err)
	}
}
