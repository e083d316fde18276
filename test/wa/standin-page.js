// The WhatsApp Web stand-in's page: only the modules whatsapp-web.js 1.34.7 reads, each with the
// library line that reads it (node_modules/whatsapp-web.js/src/...). Anything else the library
// asks `window.require` for throws and is listed in `window.__standin.unmodelled`, which the test
// fails on: an upgrade of whatsapp-web.js shows at once what it now reads.
// Driven by the test through server-sent events from /standin/events (pair, unpair, …).
(() => {
  const unmodelled = [];
  const log = [];

  /** Backbone-like models: whatsapp-web.js listens with on/off (Client.js:152-170, 397-410). */
  class Model {
    constructor(fields) {
      Object.assign(this, fields);
      this.listeners = new Map();
    }
    on(event, fn) {
      this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn]);
    }
    off(event, fn) {
      this.listeners.set(event, (this.listeners.get(event) ?? []).filter((f) => f !== fn));
    }
    set(field, value) {
      this[field] = value;
      for (const fn of this.listeners.get(`change:${field}`) ?? []) fn(this, value);
    }
    emit(event, ...args) {
      for (const fn of this.listeners.get(event) ?? []) fn(...args);
    }
  }

  const params = window.__standinScenario ?? {};
  // Client.js:147-178 reads Socket.state (UNPAIRED → QR); :409 waits for change:hasSynced.
  const Socket = new Model({ state: params.paired ? 'CONNECTED' : 'OPENING', hasSynced: false });
  // Client.js:1291: Client.logout() asks the socket to unlink this device.
  Socket.logout = () => tell('logout');
  // Client.js:258 Conn.ref is the QR's first field; :262 change:ref refreshes it. :349 Conn.serialize().
  const Conn = new Model({ ref: 'ref-1', pushname: 'Soporte Puente' });
  Conn.serialize = () => ({ pushname: Conn.pushname, platform: 'smba' });
  // Client.js:411 and :416-422: Cmd events the library subscribes to; Client.js:284 refreshQR.
  const Cmd = new Model({});
  Cmd.refreshQR = () => Conn.set('ref', `ref-${Number(Conn.ref.split('-')[1]) + 1}`);
  // WAWebCollections: Client.js:1024 subscribes to Msg and Chat events once authenticated;
  // Utils.js:921 lists Chat.getModelsArray() for getChats (the driver's catch-up).
  const collection = () =>
    Object.assign(new Model({ models: [] }), {
      getModelsArray() {
        return this.models;
      },
      // Utils.js:865 Chat.get(wid); Utils.js:583 Msg.get(key._serialized).
      get(key) {
        const id = typeof key === 'string' ? key : key._serialized;
        return this.models.find((m) => m.id._serialized === id);
      },
    });
  const Msg = collection();
  const Chat = collection();
  // The phone behind each lid WhatsApp Web knows (WAWebApiContact.getPhoneNumber below).
  const lidPhones = new Map(Object.entries(params.lidPhones ?? {}));
  // WhatsApp ids: Utils.js:355-372 (sendMessage) calls isLid/isGroup/isStatus on a chat's id.
  const wid = (id) => {
    const [user, server] = id.split('@');
    return { user, server, _serialized: id, isLid: () => server === 'lid', isGroup: () => server === 'g.us', isStatus: () => id === 'status@broadcast' };
  };
  const noAccount = new Set(params.noAccount ?? []);
  /**
   * A fault test's pause at one step of a send (`scenario.hold`): the page says so and never goes
   * on, so the test can kill Chromium exactly there. 'lookup': in the number lookup before any send
   * (Client.js:2229-2233); 'send': inside the library's send, before WhatsApp Web is handed the
   * message (Utils.js:425 newId); 'result': WhatsApp Web took the message (it is on the server)
   * but its promise, which Utils.js:579 awaits before the library's send returns, never settles.
   * `scenario.holdChat` limits the hold to one chat's lookups.
   */
  const holdAt = (point, chatId) => {
    if (params.hold !== point || (params.holdChat && chatId !== params.holdChat)) return Promise.resolve();
    tell(`holding ${point}`);
    return new Promise(() => undefined);
  };
  /** A message as WhatsApp Web's Msg model: serialize() gives the raw fields Message._patch reads (structures/Message.js). */
  const messageModel = (raw, isNewMsg = true) => Object.assign(new Model({ ...raw, isNewMsg }), { serialize: () => ({ ...raw }) });
  const chatFor = (w) => {
    let chat = Chat.get(w);
    if (!chat) {
      // Utils.js:938-1005 getChatModel serializes it (Chat.js _patch reads id, t, unreadCount).
      chat = Object.assign(new Model({ id: wid(w._serialized), msgs: collection(), unreadCount: 0 }), {
        serialize: () => ({ id: { _serialized: w._serialized, server: w.server, user: w.user }, t: chat.t, unreadCount: chat.unreadCount }),
      });
      Chat.models.push(chat);
    }
    return chat;
  };
  // What arrived while the link was down: in the chats, without a live event (Chat.js:203-240 fetchMessages reads chat.msgs).
  const historyChat = (chatId, { unreadCount = 0, messages = [] }) => {
    const chat = chatFor(wid(chatId));
    chat.unreadCount = unreadCount;
    for (const raw of messages) addToHistory(chatId, raw);
    return chat;
  };
  function addToHistory(chatId, raw) {
    const chat = chatFor(wid(chatId));
    chat.msgs.models.push(messageModel(raw, false));
    chat.t = Math.max(chat.t ?? 0, raw.t);
  }
  const bytes = (n) => new Uint8Array(Array.from({ length: 32 }, (_, i) => (i * n) % 256));
  // The files behind received media, by directPath (what WhatsApp's media servers would hold).
  const mediaFiles = new Map();

  const modules = {
    // AuthStore.js:5 AppState; Client.js:147 Socket.state.
    WAWebSocketModel: { Socket },
    // AuthStore.js:6.
    WAWebCmd: { Cmd },
    // AuthStore.js:7; Client.js:349.
    WAWebConnModel: { Conn },
    // AuthStore.js:8-10; read by Client.js:414 only on an offline-progress event.
    WAWebOfflineHandler: { OfflineMessageHandler: { getOfflineDeliveryProgress: () => 100 } },
    // AuthStore.js:11-13: pairing by code, unused with a QR.
    WAWebAltDeviceLinkingApi: {},
    // AuthStore.js:14; Client.js:246-252 encodeB64 of the two public keys.
    WABase64: { encodeB64: (data) => btoa(String.fromCharCode(...data)) },
    // AuthStore.js:15-20 spreads four modules into RegistrationUtils; Client.js:242-253 reads
    // waSignalStore.getRegistrationInfo, waNoiseInfo.get and DEVICE_PLATFORM from them.
    WAWebCompanionRegClientUtils: { DEVICE_PLATFORM: 'Chrome', waNoiseInfo: { get: async () => ({ staticKeyPair: { pubKey: bytes(3) } }) } },
    WAWebAdvSignatureApi: {},
    WAWebUserPrefsInfoStore: {},
    WAWebSignalStoreApi: { waSignalStore: { getRegistrationInfo: async () => ({ identityKeyPair: { pubKey: bytes(5) } }) } },
    // Client.js:255-258: the QR's fourth field.
    WAWebUserPrefsMultiDevice: { getADVSecretKey: () => 'adv-secret' },
    WAWebCollections: { Msg, Chat },
    // Utils.js:95-110 (LoadUtils) patches how locations and invites are typed from the protobuf.
    WAWebBackendJobsCommon: { mediaTypeFromProtobuf: () => null },
    WAWebE2EProtoUtils: { typeAttributeFromProtobuf: () => 'text' },
    // Client.js:1028-1029 switches placeholder resends on through it.
    WAWebSyncGatingUtils: {},
    // Client.js:1073-1077 hooks incoming calls only when the collection has `on`.
    WAWebCallCollection: {},
    // Client.js:1155, 1196: reactions and poll votes are hooked through these (Utils.js:67 injectToFunction).
    WAWebAddonReactionTableMode: { reactionTableMode: { bulkUpsert: () => undefined } },
    WAWebAddonPollVoteTableMode: { pollVoteTableMode: { bulkUpsert: () => undefined } },
    // Utils.js:806 getMessageModel lists a message's links; Utils.js:151 sendMessage takes findLink.
    WALinkify: { findLinks: () => [], findLink: () => null },
    // Utils.js:866-871 getChat: a chat not loaded yet is found or created.
    WAWebFindChatAction: { findOrCreateLatestChat: async (w) => ({ chat: chatFor(w) }) },
    // Utils.js:146-149.
    WAWebChatGetters: { getIsNewsletter: () => false, getIsBroadcast: (chat) => chat.id._serialized.endsWith('@broadcast') },
    // Utils.js:278 newId and :300 the key of the message being sent.
    WAWebMsgKey: Object.assign(
      function MsgKey({ to, id }) {
        this.id = id;
        this.remote = to;
        this.fromMe = true;
        this._serialized = `true_${to._serialized}_${id}`;
      },
      // Ids come from the stand-in's server: unique across reloads, as WhatsApp's are.
      {
        newId: async () => {
          await holdAt('send');
          return (await fetch('/standin/new-id', { method: 'POST' })).text();
        },
      },
    ),
    // Utils.js:311-313.
    WAWebGetEphemeralFieldsMsgActionsUtils: { getEphemeralFields: () => ({}) },
    // Utils.js:577-580: stores the outgoing message (ack 0) and hands it to the server.
    WAWebSendMsgChatAction: {
      addAndSendMsgToChat: (chat, message) => {
        if (params.sendThrows) throw new Error('stand-in: the server refused the message');
        const key = message.id;
        const raw = { ...message, id: { fromMe: true, remote: key.remote._serialized, id: key.id, _serialized: key._serialized }, from: message.from._serialized, to: message.to._serialized };
        const msg = Object.assign(new Model({ ...raw }), { serialize: () => ({ ...raw, ack: msg.ack }) });
        Msg.models.push(msg);
        chat.msgs.models.push(msg);
        chat.t = Math.max(chat.t ?? 0, raw.t);
        tell(`sent ${raw.to} ${raw.body}`);
        // On WhatsApp's servers from here on: a page loaded later (another Chromium) has it in the
        // chat, as the phone syncs it (Chat.js:220-223 fetchMessages reads chat.msgs).
        const onServer = fetch('/standin/server', { method: 'POST', body: JSON.stringify(raw) });
        const accepted = onServer.then(() => holdAt('result')).then(() => msg);
        return [accepted, accepted.then(() => ({ messageSendResult: 'OK' }))];
      },
    },
    // Utils.js:1695-1719 enforceLidAndPnRetrieval (Client.getContactLidAndPhone, the driver's lid lookup).
    WAWebWidFactory: { createWid: wid },
    WAWebApiContact: {
      getPhoneNumber: (w) => (lidPhones.has(w._serialized) ? wid(lidPhones.get(w._serialized)) : null),
      getCurrentLid: () => null,
    },
    // Also Client.getNumberId (Client.js:2230-2234): a number without an account has no wid.
    WAWebQueryExistsJob: {
      queryWidExists: async (w) => {
        await holdAt('lookup', w._serialized);
        if (w.server === 'lid') return lidPhones.has(w._serialized) ? { wid: w } : null;
        return noAccount.has(w._serialized) ? null : { wid: w };
      },
    },
    // Message.js:560-571 downloadMedia: the decrypted bytes of a RESOLVED media message, by its
    // directPath; a file the servers no longer hold answers 404 (Message.js:584 → undefined).
    WAWebDownloadManager: {
      downloadManager: {
        downloadAndMaybeDecrypt: async ({ directPath }) => {
          const base64 = mediaFiles.get(directPath);
          if (base64 === undefined) throw Object.assign(new Error('stand-in: no such media'), { status: 404 });
          return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
        },
      },
    },
    // Chat.js:227-231 fetchMessages loads earlier messages until the limit: all are loaded here.
    WAWebChatLoadMessages: { loadEarlierMsgs: async () => [] },
    // Client.js:351-357: ClientInfo's wid once ready.
    WAWebUserPrefsMeUser: { getMaybeMePnUser: () => ({ _serialized: '5214770000000@c.us', user: '5214770000000', server: 'c.us' }), getMaybeMeLidUser: () => null },
  };

  /** What the page was asked to do, for the test to check (the phone's side of an unlink). */
  function tell(what) {
    fetch('/standin/said', { method: 'POST', body: what }).catch(() => {});
  }

  window.require = (name) => {
    if (name in modules) return modules[name];
    unmodelled.push(name);
    // Told to the test's server too: the library may swallow the throw.
    fetch('/standin/unmodelled', { method: 'POST', body: name }).catch(() => {});
    throw new Error(`stand-in: module ${name} is not modelled`);
  };
  // Client.js:126 waits for Debug.VERSION; Client.js:1311 reads it as the WhatsApp Web version.
  window.Debug = { VERSION: '2.3000.1017054665' };
  window.__standin = { unmodelled, log, Socket, Conn };
  for (const [chatId, chat] of Object.entries(params.history ?? {})) historyChat(chatId, chat);
  // What earlier pages sent, as WhatsApp's servers keep it (see addAndSendMsgToChat).
  for (const raw of window.__standinServer ?? []) addToHistory(raw.to, raw);

  // The socket leaves OPENING a moment after load, as WhatsApp Web's does (Client.js:150-175 waits).
  setTimeout(() => {
    Socket.set('state', params.paired ? 'CONNECTED' : 'UNPAIRED');
    // A late ready: the socket synced before whatsapp-web.js attached its listener (Client.js:409).
    if (params.paired && params.syncedEarly) Socket.set('hasSynced', true);
  }, 100);

  const commands = {
    // The phone scanned the QR: the socket connects and syncs (Client.js:409 → ready path).
    pair: () => {
      Socket.set('state', 'CONNECTED');
      Socket.set('hasSynced', true);
    },
    // A message arrives: Msg 'add' with isNewMsg (Client.js:1128-1135 → onAddMessageEvent → 'message').
    receive: ({ standinFile, ...raw }) => {
      // Media the phone sent: its bytes on the "servers", the message already RESOLVED (Message.js:528-541).
      if (standinFile !== undefined) mediaFiles.set(raw.directPath, standinFile);
      if (raw.directPath && !raw.mediaData) raw.mediaData = { mediaStage: raw.expired ? 'REUPLOADING' : 'RESOLVED' };
      const msg = messageModel(raw);
      Msg.models.push(msg);
      Msg.emit('add', msg);
    },
    // The server, the phone, the reader: ack 1, 2, 3 of an outgoing message (Client.js:1040 change:ack).
    ack: ({ id, ack }) => {
      const msg = Msg.get(id);
      if (!msg) throw new Error(`stand-in: no message ${id} to ack`);
      msg.ack = ack;
      Msg.emit('change:ack', msg, ack);
    },
    // A message reaches the phone while this link is away: no live event.
    history: ({ chatId, raw }) => addToHistory(chatId, raw),
    // The connection drops and comes back without a reload (Client.js:815-852 passes TIMEOUT and CONNECTED on as change_state).
    reconnect: () => {
      Socket.set('state', 'TIMEOUT');
      setTimeout(() => Socket.set('state', 'CONNECTED'), 50);
    },
    // A new QR every 20 s in the real page (Client.js:262).
    refreshQr: () => Cmd.refreshQR(),
    // The phone removed the device: Client.js:815-852 takes UNPAIRED as a disconnect.
    unpair: () => Socket.set('state', 'UNPAIRED'),
    // WhatsApp Web opened elsewhere: CONFLICT is not an accepted state either (Client.js:824-852).
    conflict: () => Socket.set('state', 'CONFLICT'),
  };
  const events = new EventSource('/standin/events');
  events.onmessage = (event) => {
    const { command, data } = JSON.parse(event.data);
    log.push(command);
    if (!commands[command]) throw new Error(`stand-in: command ${command} is not modelled`);
    commands[command](data);
  };
})();
