package meeting

// BuyerMeetings returns every meeting of a buyer the model holds, whatever its status: a
// buyer's matches show, for each producer, the meeting asked of it. A buyer has a few meetings,
// so the answer never walks the fair's.
func (a *Agendas) BuyerMeetings(buyerID string) []Meeting {
	a.mu.RLock()
	defer a.mu.RUnlock()
	ids := a.byBuyer[buyerID]
	out := make([]Meeting, 0, len(ids))
	for id := range ids {
		out = append(out, *a.meetings[id])
	}
	sortByID(out)
	return out
}
