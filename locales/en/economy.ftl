## Marketplace
cmd-market = Browse the pool's marketplace
cmd-market-opt-kind = Only this kind of offer
cmd-market-opt-max-price = Only offers up to this price
cmd-market-opt-sort = price (cheapest first) or rating (best sellers first)
offer-kind-compute_time = compute time
offer-kind-gameboost_slot = GameBoost slot
offer-kind-private_access = private pool access
offer-kind-cosmetic = cosmetic
unit-hour = hour
unit-item = item
market-header = Marketplace of { $pool }: { $from }–{ $to } of { $total }
market-line = #{ $code } { $title } · { $kind } · { $price } { $currency }/{ $unit } · { $seller } ★{ $rating }{ $left ->
        [-1] {""}
       *[other] {" "}· { $left } left
    }
market-empty = Nothing is on sale in { $pool } yet. List something with /sell.
market-buy = Buy: { $title }
page-previous = ◀ Previous
page-next = Next ▶

cmd-sell = List an offer on the pool's marketplace
cmd-sell-opt-kind = compute_time, gameboost_slot or cosmetic
cmd-sell-opt-price = Price per hour (rentals) or per item
cmd-sell-opt-title = What you offer, in a few words
cmd-sell-opt-machine = Your machine's name (compute time and GameBoost)
cmd-sell-opt-quantity = How many hours or items (empty: unlimited)
sell-listed = Listed #{ $code } “{ $title }” at { $price } { $currency }/{ $unit }.

cmd-buy = Buy or reserve an offer (you confirm privately first)
cmd-buy-opt-offer = The offer (its #code on Telegram)
cmd-buy-opt-quantity = How many hours or items (1 by default)
buy-confirm = Buy { $quantity } × “{ $title }” from { $seller } for { $amount } { $currency }? The money is held until you confirm delivery.
buy-done = Reserved: deal #{ $code } for “{ $title }”, { $amount } { $currency } held. The seller is told; confirm with /deal confirm { $code } once delivered.

cmd-deal = Your deals: deliver, confirm or cancel
cmd-deal-list = Your open deals and their next steps
cmd-deal-deliver = Mark a deal delivered (seller)
cmd-deal-confirm = Confirm a deal went well: the seller is paid (buyer)
cmd-deal-cancel = Call a deal off and refund the buyer
cmd-deal-opt-deal = The deal (its #code on Telegram)
deal-header = Your open deals in { $pool }:
deal-line = #{ $code } { $quantity } × { $title } · { $amount } { $currency } · you are the { $role } · { $state }
deal-role-seller = seller
deal-role-buyer = buyer
deal-none = You have no open deals in { $pool }.
deal-button-deliver = Delivered #{ $code }
deal-button-confirm = Confirm #{ $code }
deal-button-cancel = Cancel #{ $code }
deal-delivered = Deal #{ $code } marked delivered. The buyer has the pool's dispute window to confirm or dispute; then you are paid.
deal-confirmed = Deal #{ $code } confirmed: the seller is paid.
deal-cancelled = Deal #{ $code } cancelled: { $amount } { $currency } went back to the buyer.
deal-state-reserving = being reserved
deal-state-failed = failed
deal-state-reserved = reserved
deal-state-delivered = delivered
deal-state-completed = completed
deal-state-cancelled = cancelled
deal-state-expired = expired
deal-state-disputed = disputed
deal-state-settled_by_dispute = settled by dispute

## Disputes
cmd-dispute = Disputes: open one on a deal, vote, or look at one
cmd-dispute-open = Dispute a deal (buyer or seller)
cmd-dispute-vote = Vote on a dispute (officers and owner)
cmd-dispute-show = A dispute with its statements
cmd-dispute-opt-statement = What went wrong
cmd-dispute-opt-id = The dispute (its #code on Telegram)
cmd-dispute-opt-outcome = full (refund), half (refund), partial (refund an amount) or payout (to the seller)
cmd-dispute-opt-refund = For a partial refund: how much goes back to the buyer
dispute-opened = Dispute #{ $code } on “{ $title }” is open. The money is frozen until the officers decide.
dispute-button-full = Full refund
dispute-button-half = Half refund
dispute-button-payout = Pay the seller
dispute-vote-counted = Your vote is counted: { $votes } cast, { $quorum } must agree.
dispute-vote-again = You already voted on this dispute; nothing changed.
dispute-vote-resolved = Your vote decided the dispute; the settlement is posted.
dispute-summary =
    Dispute #{ $code } on “{ $title }” ({ $amount } { $currency }): { $state }
    outcome: { $outcome } · refund: { $refund } { $currency } · votes: { $votes }
    { $statements }
dispute-state-opening = opening
dispute-state-open = open
dispute-state-resolved = resolved
dispute-state-completed = settled
dispute-outcome-refund_full = full refund
dispute-outcome-refund_partial = partial refund
dispute-outcome-payout = payout to the seller

## Withdrawals
cmd-withdraw = Take money out of the pool (paid by the owner)
cmd-withdraw-request = Ask for a withdrawal
cmd-withdraw-status = Withdrawals and where they stand
cmd-withdraw-paid = Record that you paid a withdrawal (owner)
cmd-withdraw-opt-amount = How much
cmd-withdraw-opt-kind = usdt_trc20, usdt_erc20, card, iban, paypal or other
cmd-withdraw-opt-destination = The address or payment details
cmd-withdraw-opt-id = The withdrawal (its #code on Telegram)
cmd-withdraw-opt-reference = The payment's reference (transaction hash, transfer number)
withdraw-private-only = Withdrawals carry payment details: send /withdraw request to me in a private chat.
withdraw-confirm = Withdraw { $amount } { $currency } to { $kind } { $destination }? The amount is held until { $quorum } of the owner and officers approve and the owner pays you.
withdraw-requested = Withdrawal #{ $code } requested: it needs { $quorum } { $quorum ->
        [one] approval
       *[other] approvals
    }. You will hear at each step.
withdraw-header = Withdrawals in { $pool }:
withdraw-line = #{ $code } { $amount } { $currency } · { $state } · approvals { $approvals }/{ $quorum }{ $mine ->
        [yes] {""}
       *[other] {" "}· someone else's
    }
withdraw-none = No withdrawals in { $pool } yet.
withdraw-paid = Withdrawal #{ $code } of { $amount } { $currency } is completed.
withdraw-state-requesting = being requested
withdraw-state-failed = failed
withdraw-state-requested = waiting for approval
withdraw-state-confirmed = approved, waiting for payment
withdraw-state-completed = paid
withdraw-state-rejected = rejected
withdraw-state-expired = expired
destination-usdt_trc20 = USDT (TRC-20)
destination-usdt_erc20 = USDT (ERC-20)
destination-card = card
destination-iban = bank account (IBAN)
destination-paypal = PayPal
destination-other = payment details

## Rewards and reputation
cmd-reward = Pool income: record work, distribute rewards, charge fees (owner)
cmd-reward-contribute = Record work a member contributed
cmd-reward-settle = Distribute an amount from the treasury by contribution
cmd-reward-release = Release a held reward now
cmd-reward-fees = Charge this period's membership fee (premium pools)
cmd-reward-opt-member = Who did the work
cmd-reward-opt-units = Units of verified work
cmd-reward-opt-amount = How much to distribute
cmd-reward-opt-hours = The window: the last this many hours (a week by default)
cmd-reward-opt-id = The reward's id
cmd-reward-opt-period = The period, like 2026-11
reward-contributed = Recorded { $units } { $units ->
        [one] unit
       *[other] units
    } of work.
reward-confirm = Distribute { $amount } { $currency } from the treasury to members by their work in the last { $hours } h? Shares are held for a day before they are paid.
reward-held = Distributed to { $members } { $members ->
        [one] member
       *[other] members
    }; held until { $release } UTC (reward { $id }).
reward-released = Released { $amount } { $currency } to { $members } { $members ->
        [one] member
       *[other] members
    }.
reward-fees = Membership fees: { $paid } paid, { $unpaid } could not pay; { $amount } { $currency } went to the treasury.
cmd-rating = Rating and reliability in this pool
cmd-rating-opt-member = Whose (yours by default)
rating = Rating as a seller: { $rating }/100 ({ $sales } completed, { $lost } disputes lost) · reliability: { $reliability }/100 ({ $purchases } purchases).
fraud-kind-round_trip = money going back and forth between the same people
fraud-kind-trade_cycle = a cycle of trades
fraud-kind-shared_hwid = accounts sharing a machine
fraud-kind-shared_ip = accounts sharing an address

## Economy notifications
notify-offer-listed = New in { $pool }: #{ $code } “{ $title }” by { $seller } for { $price } { $currency }. See /market.
notify-deal-reserved = { $buyer } bought { $quantity } × “{ $title }” (deal #{ $code }, { $amount } { $currency } held). Deliver it, then press Delivered.
notify-deal-delivered = { $seller } delivered “{ $title }” (deal #{ $code }). Confirm to pay them, or /dispute open { $code } if something is wrong.
notify-deal-completed = Deal #{ $code } “{ $title }” completed: you received { $net } { $currency }.
notify-deal-cancelled = Deal #{ $code } “{ $title }” was cancelled; { $amount } { $currency } went back to the buyer.
notify-deal-expired = Deal #{ $code } “{ $title }” expired undelivered; { $amount } { $currency } went back to the buyer.
notify-dispute-opened = { $opener } disputes deal #{ $code } “{ $title }” ({ $amount } { $currency }): “{ $statement }”. Dispute #{ $dispute } needs { $quorum } matching votes.
notify-dispute-against = { $opener } opened dispute #{ $dispute } on deal #{ $code } “{ $title }”. The money is frozen; add your side with the API or web.
notify-dispute-posted = A dispute (#{ $dispute }) was opened on “{ $title }”; the officers will decide.
notify-dispute-resolved = Dispute on “{ $title }” settled: { $outcome }, { $refund } { $currency } refunded to the buyer.
notify-withdrawal-requested =
    { $member } asks to withdraw { $amount } { $currency } to { $kind } (#{ $code }).
    { $state }
notify-withdrawal-confirmed = Your withdrawal #{ $code } of { $amount } { $currency } is approved; the owner will pay you.
notify-withdrawal-pay = Pay { $member } { $amount } { $currency } to { $kind }: { $destination }. Then record it: /withdraw paid { $code } <reference>.
notify-withdrawal-rejected = Your withdrawal #{ $code } of { $amount } { $currency } was rejected; the money is back in your balance.
notify-withdrawal-expired = Your withdrawal #{ $code } of { $amount } { $currency } expired; the money is back in your balance.
notify-withdrawal-completed = Your withdrawal #{ $code } of { $amount } { $currency } is paid (reference { $reference }).
notify-reward-held = You earned { $amount } { $currency } in { $pool }: held until { $release } UTC, then paid.
notify-reward-released = { $amount } { $currency } of rewards from { $pool } are in your balance.
notify-fraud = Suspected { $kind } in { $pool }: { $members }. Evidence: { $evidence }
notify-fees = Membership fees for { $period }: { $paid } paid, { $unpaid } unpaid.

## Top-ups
cmd-topup = Top up your balance: card, USDT or Telegram Stars
cmd-topup-opt-amount = How much to add to your balance
cmd-topup-opt-method = stripe (card), nowpayments (USDT) or stars (Telegram)
topup-pay = To add { $amount } { $currency }, pay { $price } on the page below. Your balance is credited as soon as the payment is confirmed.
topup-pay-button = Pay { $price }
topup-stars = To add { $amount } { $currency }, pay { $stars } ⭐ with the invoice below.
topup-stars-telegram-only = Stars top-ups work in Telegram; here use stripe or nowpayments.
topup-invoice-title = Top-up: { $pool }
topup-invoice-description = { $amount } { $currency } to your balance in { $pool }
topup-invoice-stale = This invoice is no longer valid. Start a new top-up with /topup.
topup-credited = Your top-up is in: { $amount } { $currency } added to your balance in { $pool }.
topup-review = We received your payment, but its amount does not match the top-up. An administrator will check it; nothing is lost.
topup-failed = Your top-up of { $amount } { $currency } in { $pool } did not go through; nothing was charged to your balance.
topup-refunded = Your top-up of { $amount } { $currency } in { $pool } was refunded.

## Host agents
cmd-machines-opt-action = list (default) or add-code (a code to connect a machine)
machine-online = 🟢
machine-offline = ⚪
agent-code = Your code to connect a machine: { $code } (valid 10 minutes, once). On that machine run:
    npx power-realms agent join { $code }
notify-session-ended-buyer = Your GameBoost session in { $pool } ended: { $minutes } min played, { $amount } { $currency } paid ({ $refund } refunded for quality below the pool's rules), { $returned } { $currency } back to your balance.
notify-session-ended-node = A GameBoost session on your machine in { $pool } ended: { $minutes } min, { $amount } { $currency } charged before the platform fee ({ $refund } refunded for quality).

## GameBoost
cmd-rent = Rent a GameBoost slot and get your player link
cmd-rent-opt-offer = The GameBoost offer (its #code on Telegram)
cmd-rent-opt-minutes = For how many minutes (60 by default); you pay for the minutes you use
rent-confirm = Rent “{ $title }” for { $minutes } min? { $amount } { $currency } is held; you pay for the minutes you play, less a refund if the quality misses the pool's rules.
rent-ready = Your slot is ready for { $minutes } min. Open it in your browser (keep this link to yourself): { $link }
rent-again = This rent was already started; the link was sent with it.
