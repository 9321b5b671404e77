export default {
  appName: 'Duijie',
  appTagline: 'Social poverty-alleviation information platform',
  skipToContent: 'Skip to content',
  nav: {
    home: 'Home', hall: 'Needs', offers: 'Offers', notices: 'Public notice', transparency: 'Transparency', myPledges: 'My pledges',
    myFollows: 'My follows', myOffers: 'My offers', products: 'Products', myOrders: 'My orders', myProducts: 'My products',
    notifications: 'Notifications', tokens: 'API tokens', households: 'Households', needs: 'Needs', review: 'Review', boards: 'Pairings',
    organisations: 'Organisations', users: 'Users & roles', workspace: 'Workspace', menu: 'Menu',
  },
  auth: {
    login: 'Sign in', logout: 'Sign out', register: 'Register', account: 'Email or mobile', password: 'Password',
    displayName: 'Name', email: 'Email', mobile: 'Mobile', loginTitle: 'Sign in to Duijie', registerTitle: 'Create an account',
    noAccount: 'No account yet?', haveAccount: 'Already registered?', loginNeeded: 'Please sign in to continue.',
    signedInAs: 'Signed in as {name}',
  },
  language: { label: 'Language', 'zh-CN': '中文', en: 'English' },
  state: {
    loading: 'Loading…', empty: 'Nothing here yet', error: 'Could not load', retry: 'Retry', notFound: 'Page not found',
    notFoundText: 'The page does not exist or was removed.', backHome: 'Back to home', forbidden: 'You cannot see this page.',
  },
  action: {
    save: 'Save', cancel: 'Cancel', confirm: 'OK', submit: 'Submit', close: 'Close', search: 'Search', reset: 'Reset',
    edit: 'Edit', delete: 'Delete', back: 'Back', more: 'More', export: 'Export', upload: 'Upload photo',
    view: 'View', refresh: 'Refresh', add: 'Add',
  },
  field: {
    required: 'Required', tooLong: 'At most {n} characters',
  },
  money: '¥{amount}',
  yuan: '{amount} yuan',
  pager: { total: '{n} in all' },
  footer: 'Duijie — needs are verified by village, township and county and given a public notice period; households’ private data is never shown.',
  progress: '{pledged} pledged of {target}',
  region: { label: 'Region', placeholder: 'Province / city / county / town / village', all: 'All regions' },
  saved: 'Saved',
  labelled: '{label}: {value}',
  chart: {
    monthly: {
      pledged: 'Pledged',
      delivered: 'Delivered',
      published: 'Needs published',
      value: 'Amount',
      needs: 'Needs',
      none: 'No monthly figures yet.',
      month: '{month}: {pledged} pledged, {delivered} delivered, {needs} needs published',
    },
  },
}
