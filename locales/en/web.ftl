# The web companion (web/app) and the bots' /web command. Keys start with web- (and cmd-web).

## /web in the bots
cmd-web = Open your wallet, the marketplace and GameBoost in the browser
web-bot-link = Your sign-in link for the web companion (works once, for 10 minutes — don't share it):
web-bot-open = Open Power Realms

## Frame
web-nav-label = Pool sections
web-nav-wallet = Wallet
web-nav-market = Marketplace
web-nav-gameboost = GameBoost
web-language-switch = Русский
web-sign-out = Sign out
web-back-home = Back to your pools
web-not-found-title = Nothing here
web-not-found-text = This page does not exist, or you cannot see it.
web-error-title = Something went wrong
web-error-text = The page could not be shown. Try again in a moment.

## Live notifications (yours)
web-event-HoldCreated = Money was put on hold.
web-event-HoldReleased = A hold was paid out.
web-event-HoldVoided = A hold was cancelled; the money is back.
web-event-HoldExpired = A hold expired; the money is back.
web-event-TransferPosted = Your balance changed.
web-event-DealReserved = A deal was reserved.
web-event-DealDelivered = A deal was delivered.
web-event-DealCompleted = A deal completed.
web-event-DisputeOpened = A dispute was opened.
web-event-DisputeResolved = A dispute was settled.
web-event-WithdrawalRequested = Withdrawal requested; waiting for approval.
web-event-WithdrawalConfirmed = Withdrawal approved.
web-event-WithdrawalCompleted = Withdrawal paid.
web-event-TopupCredited = Top-up credited.
web-event-TopupRefunded = Top-up refunded.
web-event-RewardsHeld = A reward share is on its way to you.
web-event-SessionStarted = GameBoost session started.
web-event-SessionEnded = GameBoost session ended.

## Home and sign-in
web-home-title = Your pools, in the browser
web-home-lead = Wallet, marketplace and GameBoost streams of the Discord and Telegram pools you belong to.
web-sign-in = Sign in
web-sign-in-bot = Send /web to the Power Realms bot in Discord or Telegram and open the link it gives you.
web-sign-in-telegram = Or open the Power Realms app from the bot's menu in Telegram: you are signed in at once.
web-sign-in-discord = Sign in with Discord
web-pools-title = Hello, { $name }
web-pools-empty = You are not in any pool yet. Join one from a Discord server or Telegram group with /join.
web-pool-type-public = public
web-pool-type-private = private
web-pool-type-premium = premium
web-role-owner = owner
web-role-officer = officer
web-role-member = member
web-status-active = active
web-status-suspended = suspended
web-status-banned = banned
web-status-left = left
web-held = { $amount } { $currency } on hold
web-link-title = Continue as { $name }?
web-link-text = This link signs you in to the Power Realms web companion in this browser.
web-link-continue = Continue
web-link-expired-title = This link no longer works
web-link-expired-text = Sign-in links work once, for 10 minutes. Send /web to the bot for a new one.
web-telegram-title = Signing in with Telegram
web-telegram-checking = Checking your Telegram account…
web-telegram-missing = Open this page from the Power Realms app in Telegram.
web-discord-failed = Discord sign-in failed

## Wallet
web-available = Available
web-on-hold = On hold
web-rating = Rating
web-reliability = reliability { $value }
web-holds-title = On hold
web-holds-empty = Nothing is on hold.
web-col-what = What
web-col-to = To
web-col-amount = Amount
web-col-until = Until
web-deals-title = Open deals
web-deal-role-buyer = you buy
web-deal-role-seller = you sell
web-deal-reserving = reserving
web-deal-failed = failed
web-deal-reserved = reserved
web-deal-delivered = delivered
web-deal-completed = completed
web-deal-cancelled = cancelled
web-deal-expired = expired
web-deal-disputed = disputed
web-deal-settled_by_dispute = settled by dispute
web-withdrawals-title = Withdrawals
web-withdrawals-empty = No withdrawals yet. Request one with /withdraw in the bot.
web-withdrawal-requesting = requesting
web-withdrawal-failed = failed
web-withdrawal-requested = waiting for approval
web-withdrawal-confirmed = approved, being paid
web-withdrawal-completed = paid
web-withdrawal-rejected = rejected
web-withdrawal-expired = expired
web-approvals = { $approvals } of { $quorum } approvals
web-history-title = History
web-history-empty = No payments yet.
web-older = Older
web-code-deal = Deal
web-code-deal_pool_cut = Pool's cut
web-code-dispute_escrow = Dispute escrow
web-code-gameboost = GameBoost
web-code-machine_slots = Machine slots
web-code-machine_slots_fee = Machine slots fee
web-code-membership_fee = Membership fee
web-code-platform_fee = Platform fee
web-code-premium_pool = Premium pool
web-code-reversal = Reversal
web-code-reward = Reward
web-code-reward_cancel = Reward cancelled
web-code-reward_deposit = Reward deposit
web-code-reward_fund = Reward fund
web-code-topup_refund = Top-up refund
web-code-withdrawal = Withdrawal
web-code-deposit = Deposit
web-code-topup_stripe = Top-up (card)
web-code-topup_nowpayments = Top-up (USDT)
web-code-topup_stars = Top-up (Stars)

## Marketplace
web-market-title = Marketplace · { $pool }
web-market-bought = Reserved: { $title } for { $total }. The money is held until you confirm delivery.
web-market-count = { $count ->
    [one] { $count } offer
   *[other] { $count } offers
}
web-filter-kind = Kind
web-filter-all = All kinds
web-kind-compute_time = Compute time
web-kind-gameboost_slot = GameBoost slot
web-kind-private_access = Private pool access
web-kind-cosmetic = Cosmetic
web-filter-sort = Sort
web-sort-price = Cheapest first
web-sort-rating = Best rated first
web-filter-max = Max price
web-filter-search = Search titles
web-filter-apply = Show
web-offer-seller = by { $name } · rating { $rating }
web-per-hour = per hour
web-per-item = each
web-left = { $count } left
web-offer-mine = Your offer
web-hours = Hours
web-quantity = Quantity
web-reserve = Reserve
web-buy = Buy
web-play-now = Play it now in GameBoost →
web-previous = ← Previous
web-next = Next →
web-page = Page { $page } of { $pages }

## GameBoost
web-gameboost-title = GameBoost
web-gameboost-lead = Play on a pool member's strong PC, streamed to this browser. Pick a node, rent minutes, play; you pay for the minutes used.
web-measuring = Measuring your connection…
web-server-rtt = Your round trip to the server: { $ms } ms
web-nodes-empty = No GameBoost slots are offered in this pool yet.
web-node-online = online
web-node-offline = offline
web-node-rtt = median RTT
web-node-fps = median FPS
web-node-sessions = sessions
web-minutes = Minutes
web-rent-play = Rent and play
web-sessions-title = Your sessions
web-session-reserving = starting
web-session-failed = failed
web-session-waiting = waiting for the stream
web-session-live = live
web-session-ended = ended
web-session-title = GameBoost session
web-end-buyer = ended by you
web-end-seller = ended by the node
web-end-timeout = the rented time ran out
web-end-agent_lost = the node went offline
web-end-viewer_lost = the player was closed
web-end-never_started = the stream never started
web-session-rented = Rented
web-session-used = Used
web-minutes-n = { $count ->
    [one] { $count } minute
   *[other] { $count } minutes
}
web-session-held = Held
web-session-charged = Charged
web-session-sla-refund = SLA refund
web-session-returned = Back to your wallet
web-session-started = Started
web-session-open-player = Open the player
web-session-end = End session

# The other side of a transfer when it is not a person: the pool's and the platform's own accounts.
web-account-member = A member
web-account-treasury = Pool treasury
web-account-escrow = Escrow
web-account-platform_fee = Platform fee
web-account-custodial = Payments in and out
web-account-external = Outside the platform

# A machine's `agent bench` figures on its offers.
web-bench-encode = 720p encode { $fps } fps
web-bench-gpu-encode = GPU encode { $fps } fps
web-bench-encode-title = How fast the host encodes a 1280×720 stream, measured by its agent: 60 keeps up, more leaves room for the game.
