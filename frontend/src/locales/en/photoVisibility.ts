export default {
  public: 'Public',
  staffOnly: 'Staff only',
  publish: 'Show publicly',
  publishOne: 'Show photo {n} publicly',
  publishConfirm: 'Everyone will see this photo once the need is public. Make sure it shows no face, ID card, house number or shipping label.',
  published: 'The photo will be public with the need',
  hide: 'Take back',
  hideOne: 'Take photo {n} back from public view',
  hideConfirm: 'The photo stops being public at once; only the village’s cadres and the verifiers will see it.',
  hidden: 'The photo is no longer public',
  hint: 'New photos are seen by staff only; show each publicly once you are sure it holds no personal information.',
}
