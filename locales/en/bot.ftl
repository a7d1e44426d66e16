## Commands: descriptions shown in Discord's command picker and Telegram's menu
cmd-help = What this bot can do
cmd-language = Choose the language the bot speaks to you
cmd-language-opt-code = en or ru
cmd-pool = Create or look at this chat's pool
cmd-pool-create = Create a pool for this server or group (its admins only)
cmd-pool-create-opt-name = The pool's name
cmd-pool-create-opt-password = A password makes the pool private (8+ characters)
cmd-pool-info = This pool: owner, members, rules
cmd-join = Join this chat's pool
cmd-join-opt-code = A referral code, if a friend gave you one
cmd-leave = Leave this chat's pool (your balance stays yours)
cmd-balance = Your balance in this pool (only you see it)
cmd-history = Your latest transfers in this pool
cmd-invite = Your invite link and how many joined through you
cmd-machines = Your machines and how many you may register
cmd-officer = Appoint or remove an officer (owner)
cmd-officer-add = Make a member an officer
cmd-officer-remove = Return an officer to member
cmd-officer-opt-member = The member
cmd-link = Link your Discord and Telegram accounts
cmd-link-opt-code = The code shown on the other platform

## Replies
help =
    Power Realms pools this community's computers.
    /pool create — create a pool for this chat (admins)
    /pool info — the pool, its owner and rules
    /join, /leave — become a member, or stop being one
    /balance, /history — your money here (shown only to you)
    /invite — your invite link
    /machines — your machines and your limit
    /officer add|remove — officers (owner)
    /link — one account across Discord and Telegram
    /language — English or Russian
    /web — your wallet, the marketplace and GameBoost in the browser
language-set = I will speak English with you.
language-unknown = I speak English (en) and Russian (ru).
balance =
    Balance in { $pool }: { $available } { $currency } available.
    { $pending ->
        [0] Nothing is held.
       *[other] { $held } { $currency } are held for open deals.
    }
history-empty = No transfers in { $pool } yet.
history-title = Your latest transfers in { $pool }:
history-line = { $when } · { $direction ->
        [in] +{ $amount }
       *[out] −{ $amount }
    } { $currency } · { $code }
pool-created = Pool “{ $name }” is ready and bound to this chat. Members join with /join.
pool-info =
    { $name } ({ $type ->
        [private] private
        [premium] premium
       *[public] public
    }) · owner { $owner }
    { $members ->
        [one] { $members } member
       *[other] { $members } members
    }{ $rules ->
        [none] {""}
       *[other] {"\u000A"}Rules: { $rules }
    }
pool-not-bound = This chat has no pool yet. Its admins can create one with /pool create.
pool-admins-only = Only this chat's admins can create or bind its pool.
group-only = Use this command in the server or group of the pool.
join-ok = Welcome to { $pool }! Your balance and machines are at /balance and /machines.
join-rejoined = Welcome back to { $pool }. Your balance was kept.
join-password-dm = This pool is private. I have sent you a private message: send the password there, never in the group.
join-password-ask = Send me the password of { $pool } as your next message here.
join-password-deleted = I deleted a message that looked like a password. Send passwords only in our private chat.
leave-ok = You left { $pool }. Your balance stays yours; /join brings you back.
invite =
    Your invite link: { $link }
    { $joined ->
        [one] { $joined } person joined through you
       *[other] { $joined } people joined through you
    }, { $active } still active. Every 5 active members give you one more machine slot.
machines =
    { $used ->
        [one] You have { $used } machine
       *[other] You have { $used } machines
    } of { $limit } allowed ({ $base } base, { $bonus } for referrals, { $bought } bought).
machines-line = { $online } { $name } — { $cpu }{ $gpu ->
        [none] {""}
       *[other] , { $gpu }
    }, { $ram } GB
machines-add = To add a machine: /machines add-code, then run the command it gives you on that machine.
officer-added = { $member } is now an officer.
officer-removed = { $member } is a member again.
officer-unknown-member = I do not know that member. Mention them or give their user id.
link-code = Your link code: { $code }. Within 10 minutes, send “/link { $code }” to me on { $other }.
link-ok = Linked. Discord and Telegram are one account now.
link-same = This account is already the one the code was made for.
confirm-prompt = Move { $amount } { $currency }? Press Confirm within 2 minutes.
confirm-yes = Confirm
confirm-no = Cancel
confirm-cancelled = Cancelled. Nothing moved.
button-already-done = This was already done; nothing changed.
button-not-allowed = This button is not for you.
usage = Usage: { $usage }
amount-invalid = “{ $input }” is not an amount. Write it like 10 or 10.5.
internal-error = Something went wrong on our side. It has been logged; please try again.

## Business errors (core/errors.ts)
error-INVALID_AMOUNT = That amount is not valid: it must be positive and have at most 6 decimals.
error-ACCOUNT_NOT_FOUND = That account does not exist.
error-SAME_ACCOUNT = You cannot pay yourself.
error-CURRENCY_MISMATCH = Those accounts keep different currencies.
error-POOL_MISMATCH = That account belongs to another pool.
error-INSUFFICIENT_FUNDS = Your available balance is too low for that.
error-AMOUNT_OVERFLOW = That amount is too large.
error-INVALID_TIMEOUT = A hold lasts from 1 second to 1 year.
error-HOLD_NOT_FOUND = I cannot find that hold.
error-HOLD_ALREADY_POSTED = That hold was already paid out.
error-HOLD_ALREADY_VOIDED = That hold was already cancelled.
error-HOLD_EXPIRED = That hold has expired; its money went back.
error-HOLD_NOT_YET_EXPIRED = That hold has not expired yet.
error-HOLD_AMOUNT_EXCEEDED = That is more than the hold reserves.
error-IDEMPOTENCY_KEY_REUSED = This request was already used for something else.
error-INVALID_CHAIN = Those transfers cannot be made together.
error-POOL_NOT_FOUND = I cannot find that pool.
error-USER_NOT_FOUND = I cannot find that person.
error-UNAUTHENTICATED = I do not know who you are yet.
error-INSUFFICIENT_SCOPE = Your access does not allow that.
error-RATE_LIMITED = Too many attempts. Try again in { $retryAfterSeconds } seconds.
error-IDEMPOTENCY_KEY_REQUIRED = This request needs a unique key.
error-IDEMPOTENCY_REQUEST_IN_PROGRESS = The same request is still running; wait a moment.
error-NOT_GLOBAL_ADMIN = Only the platform's administrator can do that.
error-NOT_A_MEMBER = You are not a member of this pool. Join with /join.
error-NOT_AN_OFFICER = Only officers and the owner can do that.
error-NOT_POOL_OWNER = Only the pool's owner can do that.
error-MEMBER_SUSPENDED = You are suspended in this pool: you can look, not act.
error-MEMBER_BANNED = You are banned from this pool.
error-ALREADY_A_MEMBER = You are already a member of this pool.
error-MEMBER_NOT_FOUND = That person is not a member of this pool.
error-ROLE_CHANGE_NOT_ALLOWED = That change is not possible for this person's role.
error-OWNER_CANNOT_LEAVE = The owner has to hand the pool to someone before leaving.
error-POOL_SUSPENDED = This pool is suspended by the platform: you can look, not act.
error-WRONG_POOL_PASSWORD = That password is wrong.
error-CHAT_ALREADY_BOUND = This chat is already bound to another pool.
error-REFERRAL_CODE_INVALID = That referral code does not work here.
error-LINK_CODE_INVALID = That link code is wrong or expired. Make a new one with /link.
error-IDENTITY_ALREADY_LINKED = Both accounts already have pools or money of their own, so they cannot be merged.
error-MACHINE_LIMIT_REACHED = You have reached your machine limit ({ $limit }). Invite friends or buy slots for more.
error-MACHINE_ALREADY_REGISTERED = That machine is already registered in this pool.
error-MACHINE_NAME_TAKEN = You already have a machine with that name.
error-MACHINE_NOT_FOUND = I cannot find that machine.
error-SLOTS_NOT_FOR_SALE = This pool does not sell machine slots.
error-NOT_HOLD_PARTY = That hold is between other people.
error-OFFER_NOT_FOUND = I cannot find that offer.
error-OFFER_NOT_AVAILABLE = That offer is not available any more.
error-OWN_OFFER = You cannot buy your own offer.
error-PRICE_BELOW_MINIMUM = The pool's minimum price for this kind of offer is { $minimum }.
error-PURCHASE_CAP_REACHED = You have reached this pool's spending cap for the period ({ $cap }).
error-RESTRICTED_BY_REPUTATION = The pool's rules do not allow that at your current rating.
error-DEAL_NOT_FOUND = I cannot find that deal.
error-DEAL_WRONG_STATE = That deal is already { $state }.
error-NOT_DEAL_PARTY = That deal is between other people.
error-WITHDRAWAL_NOT_FOUND = I cannot find that withdrawal.
error-WITHDRAWAL_WRONG_STATE = That withdrawal is already { $state }.
error-INVALID_DESTINATION = That destination is not valid: { $detail }
error-DISPUTE_NOT_FOUND = I cannot find that dispute.
error-DISPUTE_WINDOW_CLOSED = The time to dispute that deal has passed.
error-DISPUTE_ALREADY_OPEN = That deal already has a dispute.
error-DISPUTE_WRONG_STATE = That dispute is already resolved.
error-DISPUTE_PARTY_CANNOT_VOTE = You are a party to this dispute and cannot vote on it.
error-NO_CONTRIBUTIONS = Nobody contributed work in that window.
error-REWARD_NOT_FOUND = I cannot find that reward.
error-REWARD_WRONG_STATE = That reward is already { $state }.
error-TOPUP_NOT_FOUND = I cannot find that top-up.
error-PAYMENT_PROVIDER_UNAVAILABLE = That payment method is not available right now.
error-WEBHOOK_SIGNATURE_INVALID = The signature is not valid.
error-LOGIN_LINK_INVALID = That sign-in link is used or expired. Ask for a new one with /web.
error-SIGN_IN_REFUSED = Sign-in was refused. Open the web page from the bot again.
error-CSRF_FAILED = That form has expired. Reload the page and try again.
error-AGENT_CODE_INVALID = That agent code is wrong or expired. Make a new one with /machines.
error-SESSION_NOT_FOUND = I cannot find that session.
error-SESSION_WRONG_STATE = That session has already ended.
error-MACHINE_OFFLINE = That machine is offline right now.
error-VALIDATION_FAILED = That input is not valid: { $detail }

## Telegram
dm-needed = I cannot write to you privately yet: open { $link } and press Start, then try again.
start-welcome = Hi! Add me to your group to pool your computers there. /help lists what I can do.

## Notifications (events from the bus)
notify-hold-created = { $payer } reserved { $amount } { $currency } for you in { $pool }. You receive it when they release it.
notify-hold-released = You received { $amount } { $currency } from { $payer } in { $pool }.
notify-hold-voided = The hold of { $amount } { $currency } in { $pool } was cancelled; the money is back in your balance.
notify-hold-expired = The hold of { $amount } { $currency } in { $pool } expired; the money is back in your balance.
notify-member-joined = { $member } joined { $pool }.
notify-officer = { $member } is now an officer of { $pool }.
notify-checkpoint = Ledger checkpoint of { $pool }: chain { $lane } at entry { $seq }, hash { $hash }. Anyone can check it with /pool verify on the web.

## Lifecycle
bot-added = Thanks for adding me! An admin of this chat can start its pool with /pool create <name>; everyone else then joins with /join.

## Buttons: approvals, votes, confirmations
button-approve = Approve
button-reject = Reject
prompt-tally = Approved { $approve } of { $quorum } needed · rejected { $reject }
prompt-approved = Approved ({ $approve } of { $quorum }).
prompt-rejected = Rejected ({ $reject } of { $quorum }).
prompt-confirmed = Confirmed.
prompt-cancelled = Cancelled. Nothing changed.
button-voted = You already voted; your vote counts once.
button-closed = This is already decided or expired; nothing changed.

## Pool settings
cmd-pool-settings = See or change this pool's settings (owner)
cmd-pool-settings-opt-setting = Which setting to change
cmd-pool-settings-opt-value = The new value (empty shows the settings)
pool-settings =
    Settings of { $pool }:
    rules: { $rules }
    withdrawal quorum: { $quorum }
    hold timeout: { $holdHours } h · dispute window: { $disputeHours } h
    machine slot price: { $slotPrice }
    pool's cut of sales: { $ownerCut }% · membership fee: { $membershipFee }
    restrictions: listing below rating { $minSellerRating }, buying below reliability { $minBuyerReliability }, payouts below reliability { $minPayoutReliability }
    Change one with /pool settings <setting> <value>.
pool-settings-none = none
pool-settings-changed = Saved: { $setting } is now { $value }.
pool-settings-unknown = I know these settings: rules, quorum, slot-price, hold-hours, dispute-hours, owner-cut-percent, membership-fee, min-seller-rating, min-buyer-reliability, min-payout-reliability.

## Machine slots
cmd-slots = Buy extra machine slots at this pool's price
cmd-slots-opt-count = How many slots (1–100)
slots-confirm = { $slots ->
        [one] Buy { $slots } machine slot
       *[other] Buy { $slots } machine slots
    } for { $amount } { $currency }? Confirm within 2 minutes.
slots-bought = Done: { $slots ->
        [one] { $slots } slot
       *[other] { $slots } slots
    } for { $amount } { $currency }. You may now register up to { $limit } machines.

## Private chats
cmd-opt-pool = Which of your pools (in a private chat)
dm-no-pools = You are not in any pool yet. Join one in its server or group with /join.
dm-choose-pool = You are in several pools: { $pools }. Name one, e.g. /balance { $first }.

## Pool channel
cmd-pool-channel = Post the pool's news in this channel (owner)
pool-channel-set = The pool's news (new members, officers, ledger checkpoints) will be posted in this channel.
pool-channel-telegram = On Telegram the pool posts in its group; nothing to choose.
